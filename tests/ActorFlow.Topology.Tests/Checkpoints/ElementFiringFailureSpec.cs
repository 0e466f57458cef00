using System.Collections.Concurrent;
using System.Globalization;
using ActorFlow.Operators;
using ActorFlow.Operators.Functions;
using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.Bounded;
using ActorFlow.Topology.Tests.EndToEnd;

namespace ActorFlow.Topology.Tests.Checkpoints;

/// <summary>
/// A window function that throws while a window fires for a record (a count window's trigger fires on elements) fails
/// the firing, not the record, as when a timer fires it: the key group restarts and applies the record again, so a
/// failure that happens once still gives the window's result, and one that always happens becomes a dead letter naming
/// the window. The record became a dead letter instead, while it stayed counted in its window, and the window's result
/// was lost (found by a differential test under injected failures, with late firings).
/// </summary>
public sealed class ElementFiringFailureSpec : IDisposable
{
    private const long B = 1_700_000_000_000;
    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-element-firing-failure");

    /// <summary>Verify a firing that throws once: every count window of every key comes out, no dead letter.</summary>
    [Fact]
    public async Task A_firing_for_a_record_that_throws_once_must_still_give_its_window()
    {
        var (output, dead) = await RunAsync("element-firing-once", times: 1);

        Assert.Equal(["a 1,2", "a 3,4", "b 1,2"], output);
        Assert.Empty(dead);
    }

    /// <summary>Verify a firing that always throws for key a: its windows are dead letters naming them, not records; b's window comes out.</summary>
    [Fact]
    public async Task A_firing_for_a_record_that_always_throws_must_dead_letter_the_window_not_the_record()
    {
        var (output, dead) = await RunAsync("element-firing-always", times: int.MaxValue);

        Assert.Equal(["b 1,2"], output);
        Assert.Equal(2, dead.Count);
        Assert.All(dead, d => Assert.Contains("failed firing window", d.Reason, StringComparison.Ordinal));
        Assert.All(dead, d => Assert.Contains("of key 'a'", d.Reason, StringComparison.Ordinal));
    }

    public void Dispose() => _data.Dispose();

    private async Task<(List<string> Output, List<DeadLetterRecord> Dead)> RunAsync(string name, int times)
    {
        List<(Click Value, long Time)> input =
        [
            (new Click("a", B + 1), B + 1), (new Click("b", B + 1), B + 1), (new Click("a", B + 2), B + 2),
            (new Click("b", B + 2), B + 2), (new Click("a", B + 3), B + 3), (new Click("a", B + 4), B + 4),
        ];
        var output = new ConcurrentQueue<string>();
        var dead = new ConcurrentQueue<DeadLetterRecord>();
        var builder = StreamJobBuilder.Create(name)
            .WithSerializers(new ActorFlow.Operators.Serialization.SerializerRegistry().Register(Serialization.WireTestJobs.ClickSerializer))
            .WithDeadLetters(new QueueSink<DeadLetterRecord>(dead));
        var failures = new StrongBox(times);
        builder.FromSource("clicks", new BoundedListSource<Click>([input], chunk: 1), BoundedJobs.PerRecordWatermarks)
            .KeyBy(c => c.User)
            .CountWindow(2)
            .Process("count", () => new ThrowingForA(failures))
            .To(new QueueSink<string>(output));

        var system = await ActorFlowCluster.StartNodeAsync(name, StateStoreSettings.Sqlite(Path.Combine(_data.Path, name)));
        try
        {
            var running = await JobRunner.StartAsync(system, builder.Build());
            await running.Completion.WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }

        return ([.. output.Order(StringComparer.Ordinal)], [.. dead]);
    }

    private sealed class StrongBox(int value)
    {
        public int Value = value;
    }

    /// <summary>"key t1,t2" per window (times in ms after B); key a's firings throw while <c>failures</c> lasts.</summary>
    private sealed class ThrowingForA(StrongBox failures) : ProcessWindowFunction<string, Click, string>
    {
        public override void Process(string key, ProcessWindowContext context, IReadOnlyList<Click> elements, ICollector<string> output)
        {
            if (key == "a" && Interlocked.Decrement(ref failures.Value) >= 0)
            {
                throw new InvalidOperationException("window function bug");
            }

            output.Collect(key + " " + string.Join(',', elements.Select(e => (e.Time - B).ToString(CultureInfo.InvariantCulture))));
        }
    }
}

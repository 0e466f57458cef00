using System.Collections.Concurrent;
using System.Globalization;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Operators.Windowing;
using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.Bounded;

namespace ActorFlow.Topology.Tests.Graphs;

/// <summary>
/// A window join whose join function always throws for one key costs that key's window only: its firing is a dead
/// letter naming operator, key and window, and every other window is joined, as for a window function. The join keeps
/// its input records (a function may change them), so it cannot be restarted alone: the job fails over once and the key
/// group's next incarnation isolates the firing (as PoisonKeySpec without local restarts). The join operator did not
/// isolate its firings: the job failed over without end (found by a review of the joins against Flink).
/// </summary>
public sealed class JoinPoisonKeySpec : IDisposable
{
    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-join-poison");

    /// <summary>Verify one dead letter for the poisoned key's window, every other pair joined, and a single failover.</summary>
    [Fact]
    public async Task A_join_function_that_always_throws_for_one_key_must_dead_letter_its_window_and_join_the_rest()
    {
        var keys = Enumerable.Range(0, 8).Select(i => "k" + i.ToString(CultureInfo.InvariantCulture)).ToList();
        List<(string Value, long Time)> left = [.. keys.SelectMany(k => new[] { (k + "|a", 100L), (k + "|b", 1_200L) })];
        List<(string Value, long Time)> right = [.. keys.SelectMany(k => new[] { (k + "|x", 300L), (k + "|y", 1_500L) })];

        var system = await ActorFlowCluster.StartNodeAsync("join-poison", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var output = new ConcurrentQueue<string>();
            var dead = new ConcurrentQueue<DeadLetterRecord>();
            var builder = StreamJobBuilder.Create("join-poison").WithDeadLetters(new QueueSink<DeadLetterRecord>(dead));
            var watermarks = WatermarkStrategy<string>.ForBoundedOutOfOrderness(TimeSpan.Zero);
            var lefts = builder.FromSource("left", new BoundedListSource<string>([left]), watermarks);
            var rights = builder.FromSource("right", new BoundedListSource<string>([right]), watermarks);
            lefts.Join(rights).Where(l => l.Split('|')[0]).EqualTo(r => r.Split('|')[0])
                .Window(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)))
                .Apply("pairs", (l, r) => l.StartsWith("k3|b", StringComparison.Ordinal) ? throw new InvalidOperationException("join bug") : l + "+" + r)
                .To(new QueueSink<string>(output));
            var job = await JobRunner.StartAsync(system, builder.Build(), new JobRunnerOptions());
            var summary = await job.Completion.WaitAsync(TimeSpan.FromSeconds(60));

            Assert.Equal(1, summary.Restarts);
            var expected = keys.SelectMany(k => k == "k3" ? [k + "|a+" + k + "|x"] : new[] { k + "|a+" + k + "|x", k + "|b+" + k + "|y" });
            Assert.Equal(expected.Order(StringComparer.Ordinal), output.Order(StringComparer.Ordinal));
            var letter = Assert.Single(dead);
            Assert.Equal("pairs", letter.Operator);
            Assert.Contains("operator 'pairs' failed firing window [1000, 2000) of key 'k3'", letter.Reason, StringComparison.Ordinal);
            Assert.Contains("join bug", letter.Reason, StringComparison.Ordinal);
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    public void Dispose() => _data.Dispose();
}

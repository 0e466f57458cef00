using System.Collections.Concurrent;
using ActorFlow.Operators;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.State;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.Bounded;
using ActorFlow.Topology.Tests.EndToEnd;

namespace ActorFlow.Topology.Tests.Checkpoints;

/// <summary>
/// A new version of a job that declares a restored keyed state with another type fails, naming the state, as a Flink job
/// whose state serializer is incompatible fails its restore. The state was read as wrong values before (a long count
/// read as an int), and the failure, once detected, had made each record a dead letter while the state was replaced by
/// an empty one.
/// </summary>
public sealed class IncompatibleStateUpgradeSpec : IDisposable
{
    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-incompatible-state");

    /// <summary>Verify v2 (an int count where v1 kept a long) fails naming the state, with no dead letter, and v1 still counts on from its state.</summary>
    [Fact]
    public async Task A_state_read_as_another_type_must_fail_the_job_not_its_records()
    {
        var input = BoundedJobs.Clicks(400, 2);
        List<List<(Click Value, long Time)>> first = [.. input.Select(p => p.Take(100).ToList())];
        await OnNodeAsync(async system =>
        {
            var v1 = await JobRunner.StartAsync(system, Job(first, new ConcurrentQueue<string>(), new ConcurrentQueue<DeadLetterRecord>(), (Func<Count<long>>)(() => new Count<long>(c => c + 1))));
            await v1.Completion.WaitAsync(TimeSpan.FromSeconds(60));
        });

        var dead = new ConcurrentQueue<DeadLetterRecord>();
        await OnNodeAsync(async system =>
        {
            var v2 = await JobRunner.StartAsync(system, Job([.. input], new ConcurrentQueue<string>(), dead, (Func<Count<int>>)(() => new Count<int>(c => c + 1))), new JobRunnerOptions { RestartStrategy = RestartStrategy.None });
            var failed = await Assert.ThrowsAnyAsync<Exception>(() => v2.Completion.WaitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains("Keyed state 'seen' (value)", failed.ToString(), StringComparison.Ordinal);
            Assert.Contains("type changed", failed.ToString(), StringComparison.Ordinal);
        });
        Assert.Empty(dead);

        // The restored state was kept: the unchanged version counts on from it.
        var output = new ConcurrentQueue<string>();
        await OnNodeAsync(async system =>
        {
            var again = await JobRunner.StartAsync(system, Job([.. input], output, dead, (Func<Count<long>>)(() => new Count<long>(c => c + 1))));
            await again.Completion.WaitAsync(TimeSpan.FromSeconds(60));
        });
        var perUser = input.SelectMany(p => p).GroupBy(c => c.Value.User).ToDictionary(g => g.Key, g => g.Count());
        var last = output.GroupBy(l => l.Split('|')[0]).ToDictionary(g => g.Key, g => g.Max(l => long.Parse(l.Split('|')[1], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(perUser.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"), last.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
        Assert.Empty(dead);
    }

    public void Dispose() => _data.Dispose();

    private Task OnNodeAsync(Func<Akka.Actor.ActorSystem, Task> body) => SqliteNode.RunAsync("incompatible-state", _data.Path, body);

    private static StreamJob Job<T>(List<List<(Click Value, long Time)>> input, ConcurrentQueue<string> output, ConcurrentQueue<DeadLetterRecord> dead, Func<Count<T>> count)
    {
        var builder = StreamJobBuilder.Create("incompatible-state").WithDeadLetters(new QueueSink<DeadLetterRecord>(dead));
        builder.FromSource("clicks", new BoundedListSource<Click>(input), BoundedJobs.Watermarks)
            .KeyBy(c => c.User)
            .Process("count", () => KeyedProcessOperators.Create(count()))
            .To(new QueueSink<string>(output));
        return builder.Build();
    }

    /// <summary>Counts each key's records in a value state "seen" of <typeparamref name="T"/>: "key|count" per record.</summary>
    private sealed class Count<T>(Func<T, T> next) : KeyedProcessFunction<string, Click, string>
    {
        private readonly ValueStateDescriptor<T> _seen = new("seen");

        public override void ProcessElement(Click value, Context context, ICollector<string> output)
        {
            var seen = context.State.GetState(_seen);
            var count = next(seen.HasValue ? seen.Value! : default!);
            seen.Update(count);
            output.Collect($"{context.CurrentKey}|{count}");
        }
    }
}

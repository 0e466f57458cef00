using System.Collections.Concurrent;
using System.Globalization;
using ActorFlow.Operators;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.State;
using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.Checkpoints;
using ActorFlow.Topology.Tests.EndToEnd;
using Akka.Actor;
using Akka.Cluster.Sharding;

namespace ActorFlow.Topology.Tests.Bounded;

/// <summary>
/// Batch mode's key groups in place run in lanes (<see cref="JobRunnerOptions.BatchKeyGroupParallelism"/>): each key
/// group on one lane, in the order its records were read, whatever the number of lanes.
/// </summary>
public sealed class BatchKeyGroupLanesSpec : IDisposable
{
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(60);
    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-batch-lanes");

    public void Dispose() => _data.Dispose();

    /// <summary>
    /// Verify that a keyed process function run in place on three lanes and on one emits, per key, a running count of
    /// that key's records in the order they were read (one partition: one read order), with its keyed state whole, and
    /// that no key-group entity started.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Each_key_must_see_its_records_in_read_order_on_any_number_of_lanes(int lanes)
    {
        var input = BoundedJobs.Clicks(3_000, 1);
        var expected = input[0]
            .Select(c => c.Value)
            .GroupBy(c => c.User)
            .ToDictionary(g => g.Key, g => g.Select((c, i) => $"{i + 1}@{c.Time}").ToList());

        var output = new ConcurrentQueue<string>();
        var name = $"lanes-{lanes}";
        var system = await ActorFlowCluster.StartNodeAsync(name, StateStoreSettings.Sqlite(Path.Combine(_data.Path, name)));
        try
        {
            var job = StreamJobBuilder.Create(name)
                .FromSource("clicks", new BoundedListSource<Click>([.. input]), BoundedJobs.Watermarks)
                .KeyBy(c => c.User)
                .Process("running", () => KeyedProcessOperators.Create(new ClickRunningCount()))
                .To(new QueueSink<string>(output))
                .Build();
            var running = await JobRunner.StartAsync(system, job, new JobRunnerOptions { ExecutionMode = ExecutionMode.Batch, BatchKeyGroupParallelism = lanes, BatchSize = 97 });
            var summary = await running.Completion.WaitAsync(Prompt);

            Assert.True(summary.EndOfInput);
            var state = await ClusterSharding.Get(system).ShardRegion("actorflow-" + name).Ask<CurrentShardRegionState>(GetShardRegionState.Instance, Prompt);
            Assert.Empty(state.Shards.SelectMany(s => s.EntityIds));
        }
        finally
        {
            await system.Terminate().WaitAsync(Prompt);
        }

        var actual = output
            .Select(line => line.Split('|'))
            .GroupBy(parts => parts[0])
            .ToDictionary(g => g.Key, g => g.Select(parts => parts[1]).ToList());
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (user, sequence) in expected)
        {
            Assert.Equal(sequence, actual[user]);
        }
    }

    /// <summary>
    /// Verify that a key group failing in its lane (its operator cannot be made) fails the run with the key group named,
    /// promptly: the batches behind it in that lane and the final checkpoint do not run, and nothing hangs.
    /// </summary>
    [Fact]
    public async Task A_key_group_failing_in_its_lane_must_fail_the_run()
    {
        var input = BoundedJobs.Clicks(3_000, 1);
        var made = 0;
        var system = await ActorFlowCluster.StartNodeAsync("lanes-failing", StateStoreSettings.Sqlite(Path.Combine(_data.Path, "failing")));
        try
        {
            var job = StreamJobBuilder.Create("lanes-failing")
                .FromSource("clicks", new BoundedListSource<Click>([.. input]), BoundedJobs.Watermarks)
                .KeyBy(c => c.User)
                .Process("running", () => Interlocked.Increment(ref made) == 3
                    ? throw new InvalidOperationException("operator factory bug")
                    : KeyedProcessOperators.Create(new ClickRunningCount()))
                .To(new QueueSink<string>(new ConcurrentQueue<string>()))
                .Build();
            var running = await JobRunner.StartAsync(system, job, new JobRunnerOptions
            {
                ExecutionMode = ExecutionMode.Batch,
                BatchKeyGroupParallelism = 3,
                BatchSize = 97,
                RestartStrategy = RestartStrategy.None,
            });

            var error = await Assert.ThrowsAnyAsync<Exception>(() => running.Completion.WaitAsync(Prompt));
            var messages = string.Join(" | ", Chain(error).Select(e => e.Message));
            Assert.Contains("(run in place in batch mode): its operator failed", messages, StringComparison.Ordinal);
            Assert.Contains("operator factory bug", messages, StringComparison.Ordinal);
        }
        finally
        {
            await system.Terminate().WaitAsync(Prompt);
        }
    }

    private static IEnumerable<Exception> Chain(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            yield return e;
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Chain))
                {
                    yield return inner;
                }
            }
        }
    }
}

using System.Collections.Concurrent;
using ActorFlow.Operators;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.State;
using ActorFlow.Operators.Windowing;
using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.Checkpoints;
using ActorFlow.Topology.Tests.EndToEnd;
using Akka.Actor;
using Akka.Cluster.Sharding;

namespace ActorFlow.Topology.Tests.Bounded;

/// <summary>
/// Batch mode runs the first hop's key groups in place (on the job's node, in the dispatcher's call) when it starts
/// from no checkpoint, unless <see cref="JobRunnerOptions.BatchKeyGroupsInPlace"/> is off: the same results as on the
/// key-group entities, without starting any entity.
/// </summary>
public sealed class BatchKeyGroupsInPlaceSpec : IDisposable
{
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(60);
    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-batch-in-place");

    public void Dispose() => _data.Dispose();

    /// <summary>
    /// Verify that a batch run in place gives the reference's windows without starting a key-group entity (one retained
    /// checkpoint: its final checkpoint also prunes, through the snapshot store), and a run with the option off gives
    /// the same windows through the entities.
    /// </summary>
    [Fact]
    public async Task A_batch_run_must_give_the_same_windows_in_place_as_on_the_entities()
    {
        var input = BoundedJobs.Clicks(2_000, 3);
        var expected = BoundedJobs.WindowCounts(input.SelectMany(p => p).Select(c => c.Value));

        var (inPlace, inPlaceEntities) = await RunAsync("in-place", input, new JobRunnerOptions { ExecutionMode = ExecutionMode.Batch, RetainedCheckpoints = 1 });
        var (onEntities, entities) = await RunAsync("on-entities", input, new JobRunnerOptions { ExecutionMode = ExecutionMode.Batch, BatchKeyGroupsInPlace = false });

        Assert.Equal(expected, inPlace);
        Assert.Equal(expected, onEntities);
        Assert.Equal(0, inPlaceEntities);
        Assert.True(entities > 0, "the run with BatchKeyGroupsInPlace off applied its batches on entities");
    }

    /// <summary>
    /// Verify that a window function throwing in place at the end-of-input watermark becomes a dead letter naming
    /// operator, key and window, and the run still ends with every other window (as an entity does after its local
    /// restart), without a restart of the job.
    /// </summary>
    [Fact]
    public async Task A_window_function_throwing_in_place_must_become_a_dead_letter_and_the_run_must_end()
    {
        var input = BoundedJobs.Clicks(2_000, 2);
        var expected = BoundedJobs.WindowCounts(input.SelectMany(p => p).Select(c => c.Value));
        var poisoned = expected[7][..expected[7].LastIndexOf('|')]; // "user|start" of one window
        var output = new ConcurrentQueue<string>();
        var dead = new ConcurrentQueue<DeadLetterRecord>();

        var system = await ActorFlowCluster.StartNodeAsync("in-place-poison", StateStoreSettings.Sqlite(Path.Combine(_data.Path, "poison")));
        try
        {
            var job = StreamJobBuilder.Create("in-place-poison")
                .FromSource("clicks", new BoundedListSource<Click>([.. input]), BoundedJobs.Watermarks)
                .KeyBy(c => c.User)
                .Process("count", () => WindowOperators.For<string, Click>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)))
                    .Aggregate(new CountAggregate(), new ThrowingLabel(poisoned, int.MaxValue)))
                .To(new QueueSink<string>(output))
                .WithDeadLetters(new QueueSink<DeadLetterRecord>(dead))
                .Build();
            var running = await JobRunner.StartAsync(system, job, new JobRunnerOptions { ExecutionMode = ExecutionMode.Batch, BatchKeyGroupParallelism = 3 });
            var summary = await running.Completion.WaitAsync(Prompt);

            Assert.True(summary.EndOfInput);
            Assert.Equal(0, running.Restarts);
            var state = await ClusterSharding.Get(system).ShardRegion("actorflow-in-place-poison").Ask<CurrentShardRegionState>(GetShardRegionState.Instance, Prompt);
            Assert.Empty(state.Shards.SelectMany(s => s.EntityIds)); // in place, not an entity's local restart
        }
        finally
        {
            await system.Terminate().WaitAsync(Prompt);
        }

        Assert.Equal(expected.Where(w => !w.StartsWith(poisoned + "|", StringComparison.Ordinal)), output.Order(StringComparer.Ordinal));
        var letter = Assert.Single(dead);
        Assert.Equal("count", letter.Operator);
        var user = poisoned[..poisoned.IndexOf('|')];
        Assert.Contains($"of key '{user}'", letter.Reason, StringComparison.Ordinal);
        Assert.Contains("window function bug", letter.Reason, StringComparison.Ordinal);
    }

    /// <summary>
    /// Verify that a processing-time timer of a key group run in place fires while the input stalls (no batch comes:
    /// the periodic ticks drive it, as an idle entity's own timer would wake it), and the run ends once the input goes on.
    /// </summary>
    [Fact]
    public async Task A_processing_time_timer_in_place_must_fire_while_the_input_stalls()
    {
        var input = BoundedJobs.Clicks(200, 1);
        var source = new BoundedListSource<Click>([.. input]) { GateAt = 100, Gated = [0] };
        var output = new ConcurrentQueue<string>();
        var system = await ActorFlowCluster.StartNodeAsync("in-place-timer", StateStoreSettings.Sqlite(Path.Combine(_data.Path, "timer")));
        try
        {
            var job = StreamJobBuilder.Create("in-place-timer")
                .FromSource("clicks", source, BoundedJobs.Watermarks)
                .KeyBy(c => c.User)
                .Process("remind", () => KeyedProcessOperators.Create(new Reminder()))
                .To(new QueueSink<string>(output))
                .Build();
            var running = await JobRunner.StartAsync(system, job, new JobRunnerOptions { ExecutionMode = ExecutionMode.Batch, BatchKeyGroupParallelism = 3 });

            // The first 100 clicks are in (20 users); the rest wait behind the gate: every user's reminder fires anyway.
            using (var stalled = new CancellationTokenSource(Prompt))
            {
                while (output.Count < 20)
                {
                    await Task.Delay(20, stalled.Token);
                }
            }

            Assert.False(running.Completion.IsCompleted);
            source.Gate.SetResult();
            var summary = await running.Completion.WaitAsync(Prompt);
            Assert.True(summary.EndOfInput);
            var state = await ClusterSharding.Get(system).ShardRegion("actorflow-in-place-timer").Ask<CurrentShardRegionState>(GetShardRegionState.Instance, Prompt);
            Assert.Empty(state.Shards.SelectMany(s => s.EntityIds));
        }
        finally
        {
            await system.Terminate().WaitAsync(Prompt);
        }

        Assert.Equal(20, output.Distinct().Count());
    }

    private async Task<(List<string> Windows, int Entities)> RunAsync(string name, List<List<(Click Value, long Time)>> input, JobRunnerOptions options)
    {
        var output = new ConcurrentQueue<string>();
        var system = await ActorFlowCluster.StartNodeAsync(name, StateStoreSettings.Sqlite(Path.Combine(_data.Path, name)));
        try
        {
            var running = await JobRunner.StartAsync(system, BoundedJobs.WindowedCount(name, new BoundedListSource<Click>([.. input]), new QueueSink<string>(output)), options);
            var summary = await running.Completion.WaitAsync(Prompt);
            Assert.True(summary.EndOfInput);
            // The entities the run sent batches to (those alive are released at the end of the input, as after a stop).
            return ([.. output.Order(StringComparer.Ordinal)], running.EntitiesUsed);
        }
        finally
        {
            await system.Terminate().WaitAsync(Prompt);
        }
    }

    /// <summary>Once per user: a processing-time timer 50 ms after its first click, which emits the user.</summary>
    private sealed class Reminder : KeyedProcessFunction<string, Click, string>
    {
        private IValueState<bool>? _armed;

        public override void Open(IKeyedStateStore state) => _armed = state.GetState(new ValueStateDescriptor<bool>("armed"));

        public override void ProcessElement(Click value, Context context, ICollector<string> output)
        {
            if (!_armed!.HasValue)
            {
                _armed.Update(true);
                context.TimerService.RegisterProcessingTimeTimer(context.TimerService.CurrentProcessingTime + 50);
            }
        }

        public override void OnTimer(long timestamp, OnTimerContext context, ICollector<string> output) => output.Collect(context.CurrentKey);
    }
}

using System.Collections.Concurrent;
using ActorFlow.Operators;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Persistence.Config;
using ActorFlow.Persistence.Partitioning;
using ActorFlow.TestKit;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.Bounded;

namespace ActorFlow.Topology.Tests.Checkpoints;

/// <summary>
/// The output of a processing-time timer is neither lost nor repeated across a checkpoint or a stop with a savepoint. A
/// timer that fired in a key group between two of its batches held its output for the next reply, while a barrier that
/// reached the key group first (it follows only the batches of the key groups with records) snapshotted the state with
/// the timer gone: the output fell into the next epoch, and a crash before that epoch's checkpoint, or a stop with a
/// savepoint without any crash, lost it for good (found by a review of state against Flink).
/// </summary>
public sealed class ProcessingTimerBarrierSpec : IDisposable
{
    private const string A = "a";

    // A key in another key group than A's: its record carries the barrier (or the stop) without reaching A's key group.
    private static readonly string B = Enumerable.Range(0, 100).Select(i => "b" + i).First(k => KeyGroups.ForKey(k) != KeyGroups.ForKey(A));

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-processing-timer-barrier");
    private readonly PushSource _source = new();
    private readonly ConcurrentQueue<string> _plain = new();
    private readonly ListCheckpointedSink _exactlyOnce = new();

    // Ticks 30 s apart: no tick reaches A's key group between its record and the barrier.
    private static readonly JobRunnerOptions Quiet = new() { CheckpointInterval = null, WatermarkInterval = TimeSpan.FromSeconds(30) };

    /// <summary>Verify a timer due before a checkpoint, then a crash: the restored job emits its output, once.</summary>
    [Fact]
    public async Task A_timer_due_at_a_checkpoint_must_emit_once_after_a_crash()
    {
        var system = await StartNodeAsync();
        var job = await JobRunner.StartAsync(system, Build(), Quiet);
        await TimerDueAsync();
        var checkpoint = job.CheckpointAsync();
        _source.Push(B); // the barrier goes out behind B's batch
        await checkpoint.WaitAsync(TimeSpan.FromSeconds(30));
        await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30)); // a crash: no stop, nothing drained

        await RestartAndExpectTheTimerOnceAsync(new JobRunnerOptions { CheckpointInterval = null });
    }

    /// <summary>Verify a timer due before a stop with a savepoint: the job started from it emits its output, once.</summary>
    [Fact]
    public async Task A_timer_due_at_a_stop_with_savepoint_must_emit_once_after_the_restart()
    {
        var system = await StartNodeAsync();
        try
        {
            var job = await JobRunner.StartAsync(system, Build(), Quiet);
            await TimerDueAsync();
            var stop = job.StopWithSavepointAsync("upgrade", TimeSpan.FromSeconds(30));
            _source.Push(B); // the stop's last batch: a record of another key group only
            await stop;
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }

        await RestartAndExpectTheTimerOnceAsync(new JobRunnerOptions { CheckpointInterval = null, FromSavepoint = "upgrade" });
    }

    public void Dispose() => _data.Dispose();

    private Task<Akka.Actor.ActorSystem> StartNodeAsync() => ActorFlowCluster.StartNodeAsync("processing-timer-barrier", StateStoreSettings.Sqlite(_data.Path));

    /// <summary>A's record is processed and its timer (300 ms later) is due, with time to fire on its own if a build did so.</summary>
    private async Task TimerDueAsync()
    {
        _source.Push(A);
        await Poll.UntilAsync(() => Task.FromResult(_plain.Contains("got|" + A)), TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(1)); // the timer comes due; a build that fired timers between batches did so now
        Assert.DoesNotContain("fired|" + A, _plain); // no batch reached A's key group since its record, so nothing went out
    }

    private async Task RestartAndExpectTheTimerOnceAsync(JobRunnerOptions options)
    {
        var system = await StartNodeAsync();
        try
        {
            var job = await JobRunner.StartAsync(system, Build(), options);
            await Poll.UntilAsync(() => Task.FromResult(_plain.Contains("fired|" + A)), TimeSpan.FromSeconds(30));
            await job.CheckpointAsync().WaitAsync(TimeSpan.FromSeconds(30));
            await Poll.UntilAsync(() => Task.FromResult(_exactlyOnce.Published.Contains("fired|" + A)), TimeSpan.FromSeconds(30));
            await job.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }

        Assert.Single(_exactlyOnce.Published, r => r == "fired|" + A);
        Assert.Single(_exactlyOnce.Published, r => r == "got|" + A);
    }

    private StreamJob Build()
    {
        var builder = StreamJobBuilder.Create("processing-timer-barrier");
        var result = builder.FromSource("push", _source, WatermarkStrategy<string>.NoWatermarks())
            .KeyBy(s => s)
            .Process("timeout", () => KeyedProcessOperators.Create(new Timeout()));
        result.To(new QueueSink<string>(_plain));
        result.To(_exactlyOnce);
        return builder.Build();
    }

    /// <summary>On a record: "got|key" and a processing-time timer 300 ms later, which emits "fired|key".</summary>
    private sealed class Timeout : KeyedProcessFunction<string, string, string>
    {
        public override void ProcessElement(string value, Context context, ICollector<string> output)
        {
            output.Collect("got|" + context.CurrentKey);
            context.TimerService.RegisterProcessingTimeTimer(context.TimerService.CurrentProcessingTime + 300);
        }

        public override void OnTimer(long timestamp, OnTimerContext context, ICollector<string> output) => output.Collect("fired|" + context.CurrentKey);
    }
}

using ActorFlow.Persistence.Checkpoints;
using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Runtime.Internal;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace ActorFlow.Topology.Tests.Checkpoints;

/// <summary>
/// A checkpoint of an exactly-once job whose key groups have all acknowledged it, but whose barrier never reaches the
/// sink: the run ended in between. In TwoNodeRuntimeFailoverSpec key groups moved to a restarted node snapshot (and
/// acknowledge) the barrier while refusing the batch before it, so the run fails just as the acknowledgements arrive.
/// The checkpoint then waited for its epoch at the sink for the whole checkpoint timeout (60 s), and with it whoever
/// asked for it: the scenario job's checkpoint loop, so no checkpoint was asked of the next run for a minute.
/// </summary>
public sealed class AbandonedCheckpointSpec : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private const string Job = "abandoned";
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(10);
    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-abandoned-checkpoint");
    private readonly ICheckpointStore _store;
    private readonly JobRunnerOptions _options = new() { CheckpointInterval = null };
    private readonly List<CheckpointCoordinator> _coordinators = [];

    public AbandonedCheckpointSpec()
    {
        _store = CheckpointStore.Create(StateStoreSettings.Sqlite(_data.Path));
    }

    public Task InitializeAsync() => _store.InitializeAsync();

    public async Task DisposeAsync()
    {
        // Closing waits for what a coordinator still writes to the store (a failed checkpoint's failure record).
        foreach (var coordinator in _coordinators)
        {
            await coordinator.CloseAsync().WaitAsync(Prompt);
        }

        await _store.DisposeAsync();
        _data.Dispose();
    }

    /// <summary>
    /// Verify that a checkpoint waiting for its epoch fails as soon as the run's stream fails (its barrier cannot
    /// come any more), well within the checkpoint timeout, and that the job's next checkpoint can start.
    /// </summary>
    [Fact]
    public async Task A_checkpoint_acknowledged_by_every_key_group_must_fail_at_once_when_the_stream_fails_before_its_barrier_reaches_the_sink()
    {
        var (coordinator, writeAhead, atSink) = Start();
        var (output, _) = Run(writeAhead);

        var request = coordinator.RequestAsync();
        var id = await StartCheckpointAsync(coordinator);
        await atSink.WaitAsync(Prompt); // every key group acknowledged: it waits for its epoch at the sink
        output.Fail(new InvalidOperationException("a key group refused the batch before the barrier"));

        var failure = await Assert.ThrowsAsync<CheckpointFailedException>(() => request.WaitAsync(Prompt));
        Assert.Equal(id, failure.CheckpointId);
        Assert.Equal(1, coordinator.Failed);
        Assert.Equal(0, coordinator.LastCompletedId);
        // Not held in flight: the next checkpoint starts (and, with the stream gone, fails at once as well).
        var next = coordinator.RequestAsync();
        var nextId = await StartCheckpointAsync(coordinator);
        Assert.True(nextId > id);
        await Assert.ThrowsAsync<CheckpointFailedException>(() => next.WaitAsync(Prompt));

        // The latest failure is on record for `actorflow status` once the run is closed (closing waits for the records).
        await coordinator.CloseAsync().WaitAsync(Prompt);
        var recorded = Assert.Single(await _store.ListFailuresAsync(Job), f => f.Kind == JobFailureKind.Checkpoint);
        Assert.Equal(nextId, recorded.CheckpointId);
    }

    /// <summary>
    /// Verify that closing the coordinator (a failover abandons the run) aborts a checkpoint waiting for its epoch at
    /// the sink at once, as it aborts one waiting for its key groups, while the run's stream has not ended yet.
    /// </summary>
    [Fact]
    public async Task A_checkpoint_waiting_for_its_epoch_must_fail_at_once_when_its_run_is_closed()
    {
        var (coordinator, writeAhead, atSink) = Start();
        var (output, _) = Run(writeAhead);
        try
        {
            var request = coordinator.RequestAsync();
            var id = await StartCheckpointAsync(coordinator);
            await atSink.WaitAsync(Prompt);
            await coordinator.CloseAsync().WaitAsync(Prompt);

            var failure = await Assert.ThrowsAsync<CheckpointFailedException>(() => request.WaitAsync(Prompt));
            Assert.Equal(id, failure.CheckpointId);
            Assert.Equal(0, coordinator.LastCompletedId);
            Assert.Empty(await _store.ListIdsAsync(Job));
        }
        finally
        {
            output.Complete();
        }
    }

    /// <summary>
    /// Verify that a checkpoint whose barrier did reach the sink still completes and publishes its epoch, also when
    /// the stream ends right after the barrier (the end fails only epochs still awaited).
    /// </summary>
    [Fact]
    public async Task A_checkpoint_whose_barrier_reached_the_sink_before_the_stream_ended_must_complete()
    {
        var (coordinator, writeAhead, _) = Start();
        var (output, ended) = Run(writeAhead);

        var request = coordinator.RequestAsync();
        var id = await StartCheckpointAsync(coordinator);
        await output.OfferAsync([new Emitted(EmittedKind.Sink, null, "a", 0, 0), new Emitted(EmittedKind.Barrier, null, id, 0)]);
        output.Complete();
        await ended.WaitAsync(Prompt);

        var record = await request.WaitAsync(Prompt);
        Assert.Equal(id, record.CheckpointId);
        Assert.Contains(WriteAheadSink.EpochKey, record.SinkTransactionIds.Keys);
        await coordinator.CloseAsync().WaitAsync(Prompt); // its publish and pruning are done before the store goes
    }

    private (CheckpointCoordinator Coordinator, WriteAheadSink WriteAhead, Task AtSink) Start()
    {
        var keyGroups = Sys.ActorOf(Props.Create(() => new CoordinatorFixtures.AcknowledgingKeyGroups()));
        var coordinator = new CheckpointCoordinator(Job, keyGroups, _store, new CoordinatorFixtures.NoSource(), _options, Sys.Log, _ => { }, 0);
        _coordinators.Add(coordinator);
        var writeAhead = new WriteAheadSink(new Target(), _options.CheckpointTimeout);
        WriteAheadSink.Attach(coordinator, [writeAhead]);
        var atSink = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var preCommit = coordinator.SinkPreCommit!;
        coordinator.SinkPreCommit = (id, cancellation) =>
        {
            atSink.TrySetResult();
            return preCommit(id, cancellation);
        };
        return (coordinator, writeAhead, atSink.Task);
    }

    /// <summary>The run's stream, as far as the exactly-once sink sees it: a queue of emitted batches.</summary>
    private (ISourceQueueWithComplete<IReadOnlyList<Emitted>> Output, Task<Akka.Done> Ended) Run(WriteAheadSink writeAhead) =>
        Source.Queue<IReadOnlyList<Emitted>>(16, OverflowStrategy.Fail)
            .ToMaterialized(writeAhead.Sink(), Keep.Both)
            .Run(Sys.Materializer());

    /// <summary>Starts the requested checkpoint at the next "batch boundary" (once the stored ids are read); its id.</summary>
    private static Task<long> StartCheckpointAsync(CheckpointCoordinator coordinator) => CoordinatorFixtures.StartCheckpointAsync(coordinator, Prompt);

    private sealed class Target : IWriteAheadTarget
    {
        public byte[] Encode(object? value, long timestamp) => System.Text.Encoding.UTF8.GetBytes((string)value!);

        public Task PublishAsync(long epoch, IReadOnlyList<byte[]> records, string writer, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task CloseAsync() => Task.CompletedTask;
    }
}

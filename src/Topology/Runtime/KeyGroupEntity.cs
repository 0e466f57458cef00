using ActorFlow.Persistence.Snapshots;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;

namespace ActorFlow.Topology.Runtime;

/// <summary>
/// INTERNAL API. The sharded persistent entity of one key group of one job: it runs the job's keyed operator for
/// every key of its group and replies to each batch with what the operator emitted. On a checkpoint barrier it
/// snapshots the operator (tagged with the checkpoint id) and acknowledges once the snapshot is durable. It starts
/// from the snapshot of the job's last complete checkpoint, never from a newer one. Processing-time timers wake
/// it up on their own; what they emit rides on the next reply.
/// <para>
/// It applies a batch only on top of the state the batch follows: the next sequence number of a source it has
/// already heard from in this incarnation, or a source's first batch when it holds the state that run of the job
/// started from. Anything else (it restarted, or its node died and it restored a checkpoint after earlier batches
/// were applied) is answered with <see cref="KeyGroupStateLost"/>, and the job fails over to its last complete
/// checkpoint; <see cref="ResetKeyGroup"/> then passivates it so that its next incarnation restores that checkpoint.
/// </para>
/// </summary>
internal sealed class KeyGroupEntity : CheckpointedKeyGroupActor, IWithTimers
{
    private readonly string _jobName;
    private readonly IKeyGroupHost _host;
    private readonly TimeProvider _clock;
    private readonly Dictionary<string, (long Sequence, KeyGroupReply Reply)> _lastBySource = new(StringComparer.Ordinal);
    private readonly Dictionary<long, IActorRef> _checkpointWaiters = [];
    private readonly List<Emitted> _pending = [];

    private readonly long _baseSnapshot;
    private bool _resetting;

    /// <summary>Creates the entity; <paramref name="host"/> makes its operator (a fresh one per incarnation).</summary>
    public KeyGroupEntity(string jobName, int keyGroup, Func<IKeyGroupHost> host, TimeProvider clock, SnapshotRestorePoint? restorePoint)
        : base(PersistenceIds.KeyGroup(jobName, keyGroup), keyGroup, restorePoint)
    {
        _jobName = jobName;
        _host = host();
        _clock = clock;
        _baseSnapshot = restorePoint?.SequenceNr ?? -1;
        Command<KeyGroupBatch>(OnBatch);
        Command<ResetKeyGroup>(_ => OnReset());
        Command<TriggerCheckpoint>(OnCheckpoint);
        Command<PruneSnapshots>(m => DeleteSnapshotsBefore(m.BeforeSequenceNr));
        Command<Wake>(_ => OnWake());
        Command<StopWhenSettled>(_ => StopWhenSnapshotsSettled());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void OnRestored(KeyGroupSnapshot? snapshot)
    {
        if (snapshot is not null)
        {
            _host.Restore(snapshot.State);
            ScheduleWake();
        }

        RecoveryMonitor.Get(Context.System).Restored(_jobName, KeyGroup);
    }

    protected override void OnRestoreFailed(SnapshotRestoreException error)
    {
        base.OnRestoreFailed(error);
        RecoveryMonitor.Get(Context.System).Failed(_jobName, error);
    }

    protected override void OnCheckpointSnapshotSaved(CheckpointSnapshotSaved saved)
    {
        if (_checkpointWaiters.Remove(saved.CheckpointId, out var waiter))
        {
            waiter.Tell(new KeyGroupCheckpointed(_jobName, KeyGroup, saved.CheckpointId, saved.Info.SnapshotSequenceNr, saved.Info.StateSizeBytes, null));
        }
    }

    protected override void OnCheckpointSnapshotFailed(long checkpointId, Exception cause)
    {
        base.OnCheckpointSnapshotFailed(checkpointId, cause);
        if (_checkpointWaiters.Remove(checkpointId, out var waiter))
        {
            waiter.Tell(new KeyGroupCheckpointed(_jobName, KeyGroup, checkpointId, -1, 0, $"{cause.GetType().Name}: {cause.Message}"));
        }
    }

    private void OnCheckpoint(TriggerCheckpoint trigger)
    {
        if (_resetting)
        {
            return; // the run that sent it is closed
        }

        _checkpointWaiters[trigger.CheckpointId] = Sender;
        SaveCheckpointSnapshot(trigger.CheckpointId, _host.Snapshot());
    }

    private void OnBatch(KeyGroupBatch batch)
    {
        if (_resetting)
        {
            return; // the run that sent it is closed
        }

        if (_lastBySource.TryGetValue(batch.SourceId, out var last) && batch.Sequence <= last.Sequence)
        {
            // A retry of a batch already applied: answer with the stored reply, apply nothing twice.
            Sender.Tell(batch.Sequence == last.Sequence ? last.Reply : new KeyGroupReply(batch.JobName, KeyGroup, batch.Sequence, []));
            return;
        }

        if (Unappliable(batch, last.Reply is null ? null : last.Sequence) is { } reason)
        {
            Log.Warning("Job {0}, key group {1}: cannot apply batch {2}: {3}; the job fails over to its last complete checkpoint", _jobName, KeyGroup, batch.Sequence, reason);
            Sender.Tell(new KeyGroupStateLost(batch.JobName, KeyGroup, batch.Sequence, reason));
            return;
        }

        var output = new List<Emitted>(_pending);
        _pending.Clear();
        _host.Process(batch.Records, batch.Watermark, _clock.GetUtcNow().ToUnixTimeMilliseconds(), output);
        var reply = new KeyGroupReply(batch.JobName, KeyGroup, batch.Sequence, output);
        _lastBySource[batch.SourceId] = (batch.Sequence, reply);
        Sender.Tell(reply);
        ScheduleWake();
    }

    private string? Unappliable(KeyGroupBatch batch, long? last)
    {
        if (last is { } previous)
        {
            return batch.Sequence == previous + 1 ? null : $"batches {previous + 1} to {batch.Sequence - 1} of this run never arrived";
        }

        if (batch.BaseSnapshot == KeyGroupBatch.BaseNotChecked)
        {
            return null;
        }

        if (_lastBySource.Count > 0)
        {
            // One dispatcher per run: batches of another source id are an earlier run's, whose effects this state holds.
            return "this incarnation holds batches of an earlier run of the job (the job restarted while it stayed up)";
        }

        if (batch.Sequence != 1)
        {
            return $"batches 1 to {batch.Sequence - 1} of this run were applied to state this incarnation does not have (it restarted or moved)";
        }

        return batch.BaseSnapshot == _baseSnapshot
            ? null
            : $"the run started from snapshot {batch.BaseSnapshot} but this incarnation restored {_baseSnapshot}";
    }

    private void OnReset()
    {
        Sender.Tell(new KeyGroupReset(_jobName, KeyGroup));
        if (_resetting)
        {
            return;
        }

        _pending.Clear();
        _resetting = true;
        Timers.CancelAll();
        // The shard buffers this key group's messages until it has stopped, which waits for its snapshot saves in flight.
        Context.Parent.Tell(new Passivate(StopWhenSettled.Instance));
    }

    private void OnWake()
    {
        _host.AdvanceProcessingTime(_clock.GetUtcNow().ToUnixTimeMilliseconds(), _pending);
        ScheduleWake();
    }

    private void ScheduleWake()
    {
        if (_host.NextProcessingTimeTimer is { } at)
        {
            var delay = TimeSpan.FromMilliseconds(Math.Max(0, at - _clock.GetUtcNow().ToUnixTimeMilliseconds()));
            Timers.StartSingleTimer("wake", Wake.Instance, delay);
        }
    }

    private sealed class Wake
    {
        public static readonly Wake Instance = new();
    }

    private sealed class StopWhenSettled
    {
        public static readonly StopWhenSettled Instance = new();
    }
}

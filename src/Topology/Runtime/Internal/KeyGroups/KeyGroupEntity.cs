using ActorFlow.Persistence.Snapshots;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. The sharded persistent entity of one key group of one job: it runs the job's keyed operator for
/// every key of its group and replies to each batch with what the operator emitted. On a checkpoint barrier it
/// snapshots the operator (tagged with the checkpoint id) and acknowledges once the snapshot is durable. It starts
/// from the snapshot of the job's last complete checkpoint, never from a newer one. Processing-time timers fire when a
/// batch arrives (in streaming mode every periodic tick brings one to every key group that has seen data), before its records: what they
/// emit rides on that batch's reply. They do not fire between batches: a barrier that reached the key group then (it
/// follows only the batches of the key groups with records) would snapshot the state with the timer gone while its
/// output came after the barrier, in the next epoch, and a crash before that epoch's checkpoint lost it for good.
/// <para>
/// It applies a batch only on top of the state the batch follows: the next sequence number of a source it has
/// already heard from in this incarnation, or a source's first batch when it holds the state that run of the job
/// started from. Anything else (it restarted, or its node died and it restored a checkpoint after earlier batches
/// were applied) is answered with <see cref="KeyGroupStateLost"/>, and the job fails over to its last complete
/// checkpoint; <see cref="ResetKeyGroup"/> then passivates it so that its next incarnation restores that checkpoint.
/// </para>
/// <para>
/// An operator that throws (outside per-record user code, which makes dead letters: a window function while a
/// watermark fires windows, a timer callback) is restarted here, alone: a fresh operator restores the state this key
/// group had at its last snapshot (or start), replays the inputs applied since (kept in memory, at most
/// <see cref="JobRunnerOptions.KeyGroupRestartLog"/> records; their output was delivered already and is dropped), and
/// the failed input is applied once more. Other key groups and the job go on. If the log overflowed, the replay
/// throws, or the input throws again, the key group answers <see cref="KeyGroupStateLost"/> and the job fails over.
/// </para>
/// </summary>
internal sealed class KeyGroupEntity : CheckpointedKeyGroupActor
{
    private readonly string _jobName;
    private readonly Func<IKeyGroupHost> _newHost;
    private readonly TimeProvider _clock;
    private readonly RestartLog _restartLog;
    private readonly PoisonedKeyGroups? _poisoned;
    private readonly bool _isolateAlways;
    private readonly Dictionary<string, (long Sequence, KeyGroupReply Reply)> _lastBySource = new(StringComparer.Ordinal);
    private readonly Dictionary<long, IActorRef> _checkpointWaiters = [];

    private readonly long _baseSnapshot;
    private IKeyGroupHost _host;
    private bool _resetting;

    private string? _broken;

    /// <summary>Creates the entity; <paramref name="host"/> makes its operator (a fresh one per incarnation and per local restart).</summary>
    public KeyGroupEntity(string jobName, int keyGroup, Func<IKeyGroupHost> host, TimeProvider clock, SnapshotRestorePoint? restorePoint, int restartLog = 0, PoisonedKeyGroups? poisoned = null)
        : base(PersistenceIds.KeyGroup(jobName, keyGroup), keyGroup, restorePoint)
    {
        _jobName = jobName;
        _newHost = host;
        _clock = clock;
        try
        {
            _host = host();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The job's build made the operator already, so this is a factory that throws now and then: the key group
            // refuses its batches with the reason (the job fails over, as its restart strategy says), instead of
            // failing to start and leaving them unanswered until they time out.
            Log.Error(e, "Job {0}, key group {1}: its operator could not be made", jobName, keyGroup);
            _host = new BrokenHost();
            _broken = $"its operator could not be made ({e.GetType().Name}: {e.Message})";
        }

        _restartLog = new RestartLog(restartLog, _host.ReplaysDeterministically);
        _poisoned = poisoned;
        // The previous incarnation failed over because its operator threw while firing: isolate firings from the start.
        _isolateAlways = poisoned?.Take(keyGroup) ?? false;
        _host.IsolateFailures = _isolateAlways;
        _baseSnapshot = restorePoint?.SequenceNr ?? -1;
        Command<KeyGroupBatch>(OnBatch);
        Command<ResetKeyGroup>(_ => OnReset());
        Command<TriggerCheckpoint>(OnCheckpoint);
        Command<PruneSnapshots>(m => DeleteSnapshotsBefore(m.BeforeSequenceNr));
        Command<AwaitRestore>(_ => Sender.Tell(new KeyGroupRestored(_jobName, KeyGroup)));
        Command<StopWhenSettled>(_ => StopWhenSnapshotsSettled());
    }

    protected override void OnRestored(KeyGroupSnapshot? snapshot)
    {
        if (snapshot is not null && _broken is null)
        {
            try
            {
                _host.Restore(snapshot.State);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The job's operators cannot read this state (an upgrade that changed an operator, its state or key type,
                // or removed it): stop, reported to the start, which fails naming the cause. Thrown, the actor restarted
                // into the same failure without end, logging it each time.
                var error = new SnapshotRestoreException(KeyGroup, snapshot.CheckpointId, $"the job's operators cannot restore its state: {e.Message}", e);
                Log.Error("{0}", error.Message);
                RecoveryMonitor.Get(Context.System).Failed(_jobName, error);
                Context.Stop(Self);
                return;
            }

            _restartLog.Restored(snapshot.State);
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
        // The checkpoint's coordinator logs its failure once, with this reason: an error per key group (128 with their
        // stacks, every checkpoint while the database is away) buried it.
        Log.Debug("Key group {0}: snapshot for checkpoint {1} failed: {2}", KeyGroup, checkpointId, cause.Message);
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

        if (_broken is not null)
        {
            // Its state is half an input's worth off: it must not become part of a checkpoint.
            Sender.Tell(new KeyGroupCheckpointed(_jobName, KeyGroup, trigger.CheckpointId, -1, 0, "the key group lost its state: " + _broken));
            return;
        }

        byte[] state;
        try
        {
            state = _host.Snapshot();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The state itself is untouched: this checkpoint fails, the key group goes on.
            Log.Error(e, "Job {0}, key group {1}: the operator's state could not be snapshotted for checkpoint {2}", _jobName, KeyGroup, trigger.CheckpointId);
            Sender.Tell(new KeyGroupCheckpointed(_jobName, KeyGroup, trigger.CheckpointId, -1, 0, $"snapshot failed: {e.GetType().Name}: {e.Message}"));
            return;
        }

        _checkpointWaiters[trigger.CheckpointId] = Sender;
        SaveCheckpointSnapshot(trigger.CheckpointId, state);
        _restartLog.Snapshotted(state);
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

        if ((_broken ?? Unappliable(batch, last.Reply is null ? null : last.Sequence)) is { } reason)
        {
            Refuse(batch, reason);
            return;
        }

        var output = new List<Emitted>();
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        // The processing-time timers that came due since the last batch fire first, as at their time (records after them
        // find what they did); here, in the stream, so a checkpoint's snapshot always agrees with the output before its barrier.
        var due = _host.NextProcessingTimeTimer is { } next && next <= now;
        if ((due && !Apply(new KeyGroupInput(null, 0, now), output)) || !Apply(new KeyGroupInput(batch.Records, batch.Watermark, now), output))
        {
            Refuse(batch, _broken!);
            return;
        }

        var reply = new KeyGroupReply(batch.JobName, KeyGroup, batch.Sequence, output);
        _lastBySource[batch.SourceId] = (batch.Sequence, reply);
        Sender.Tell(reply);
    }

    private void Refuse(KeyGroupBatch batch, string reason)
    {
        Log.Warning("Job {0}, key group {1}: cannot apply batch {2}: {3}; the job fails over to its last complete checkpoint", _jobName, KeyGroup, batch.Sequence, reason);
        Sender.Tell(new KeyGroupStateLost(batch.JobName, KeyGroup, batch.Sequence, reason));
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

        if (batch.BaseSnapshot == _baseSnapshot)
        {
            return null;
        }

        if (batch.BaseSnapshot > _baseSnapshot)
        {
            // The run restored a newer checkpoint than this node's key groups restore: a pin of this node to an earlier
            // one (RestoreCheckpointId given to HostAsync) is stale; after the failover this answer starts, its key
            // groups restore the newest checkpoint, as the run's do.
            RecoveryMonitor.Get(Context.System).Pin(_jobName, null);
        }

        return $"the run started from snapshot {batch.BaseSnapshot} but this incarnation restored {_baseSnapshot}";
    }

    private void OnReset()
    {
        Sender.Tell(new KeyGroupReset(_jobName, KeyGroup));
        if (_resetting)
        {
            return;
        }

        _resetting = true;
        // The shard buffers this key group's messages until it has stopped, which waits for its snapshot saves in flight.
        Context.Parent.Tell(new Passivate(StopWhenSettled.Instance));
    }

    /// <summary>
    /// Applies one input to the operator, appending what it emits to <paramref name="output"/>, and logs it for a
    /// local restart. When the operator throws: restarts it (restore and replay) and applies the input once more.
    /// False when that fails too: the key group is then broken (<see cref="_broken"/>) until the job resets it.
    /// </summary>
    private bool Apply(KeyGroupInput input, List<Emitted> output)
    {
        var mark = output.Count;
        Exception? failure = null;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            try
            {
                // The retry after a restart isolates failed firings: one that throws again is deterministic (a poison
                // key) and becomes a dead letter naming operator, key and window; the key group goes on.
                var isolated = _isolateAlways || attempt > 0;
                _host.IsolateFailures = isolated;
                input.ApplyTo(_host, output);
                _host.IsolateFailures = _isolateAlways;
                _restartLog.Remember(input with { Isolated = isolated });
                if (attempt > 0)
                {
                    JobMetrics.KeyGroupRestarts.Add(1, new KeyValuePair<string, object?>("job", _jobName));
                }

                return true;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                output.RemoveRange(mark, output.Count - mark);
                if (failure is not null)
                {
                    Log.Error(e, "Job {0}, key group {1}: the operator threw again on the same input after its restart", _jobName, KeyGroup);
                    _broken = $"its operator threw on the same input twice, also after a restart from its last state ({e.GetType().Name}: {e.Message})";
                    break;
                }

                failure = e;
                Log.Error(e, "Job {0}, key group {1}: the operator threw; restarting it from its last state", _jobName, KeyGroup);
                if (Restart() is { } why)
                {
                    _broken = $"its operator threw ({e.GetType().Name}: {e.Message}) and {why}";
                    break;
                }
            }
        }

        _restartLog.Discard();
        _poisoned?.Mark(KeyGroup);
        return false;
    }

    /// <summary>A fresh operator with the state of the last snapshot plus the logged inputs; null when done, else why not.</summary>
    private string? Restart()
    {
        if (_restartLog.Rebuild(_newHost, out var fresh, out var replayed) is { } why)
        {
            return why;
        }

        _host = fresh!;
        Log.Warning("Job {0}, key group {1}: operator restarted from its last state ({2} inputs replayed)", _jobName, KeyGroup, replayed);
        return null;
    }

    /// <summary>Stands for an operator that could not be made: never asked to work, since the key group is broken.</summary>
    private sealed class BrokenHost : IKeyGroupHost
    {
        public long? NextProcessingTimeTimer => null;

        public long Watermark => long.MinValue;

        public bool ReplaysDeterministically => false;

        public bool IsolateFailures { get; set; }

        public void Process(IReadOnlyList<Routed> records, long watermark, long nowMs, List<Emitted> output) => throw Unmade();

        public void AdvanceProcessingTime(long nowMs, List<Emitted> output) => throw Unmade();

        public byte[] Snapshot() => throw Unmade();

        public void Restore(byte[] state) => throw Unmade();

        private static InvalidOperationException Unmade() => new("The key group's operator could not be made.");
    }

    private sealed class StopWhenSettled
    {
        public static readonly StopWhenSettled Instance = new();
    }
}

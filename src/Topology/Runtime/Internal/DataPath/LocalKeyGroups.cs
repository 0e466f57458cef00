using ActorFlow.Persistence.Snapshots;
using Akka.Actor;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. Batch mode's first-hop key groups run in place: on the job's node, on the stream's thread, in the
/// dispatcher's call, without key-group entities (as Flink's batch mode runs a keyed operator in the task that reads
/// its input). Chosen for a batch-mode run that starts from no checkpoint (<see cref="JobRunnerOptions.BatchKeyGroupsInPlace"/>):
/// such a run has no state to restore and, taking no periodic checkpoint, nothing to hand over between nodes until
/// its end. Each record is applied as the dispatcher reads it (no batch per key group is built); the key groups see the
/// same records, watermarks and processing times as entities would and emit the same records, in the same order per
/// key group. Due processing-time timers fire at the next batch or periodic tick (an idle entity's own timer wakes it).
/// <para>
/// A checkpoint's barrier (the final one, or one asked for) snapshots the key group here, at the batch boundary the
/// barrier follows, and stores the snapshot as the key group's entity would store its own (the same persistence id and
/// sequence number), so a later run of the job restores it on any node. A firing whose user code throws (a window
/// function at the end-of-input watermark, a timer callback) becomes a dead letter naming operator, key and window, as
/// an entity does after its local restart (there is no earlier snapshot to restart from here). Any other failure fails
/// the run, naming the key group.
/// </para>
/// </summary>
internal sealed class LocalKeyGroups(ActorSystem system, string jobName, Func<int, StageGroupHost> create, TimeSpan checkpointTimeout)
{
    // Indexed by key group, made at a key group's first record (stream thread; a checkpoint reads them behind it).
    private StageGroupHost?[] _hosts = new StageGroupHost?[128];
    private readonly List<Task<KeyGroupCheckpointed>> _saves = [];
    private long _nowMs;

    /// <summary>The processing time of the batch being dispatched: what the operators read, and what fires their timers.</summary>
    public void Begin(long nowMs) => _nowMs = nowMs;

    /// <summary>Applies one record to its key group (<paramref name="record"/>'s own), appending what it emits.</summary>
    public void Element(in Routed record, List<Emitted> output)
    {
        var host = Host(record.KeyGroup);
        try
        {
            host.Element(record, output);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw Failed(record.KeyGroup, e);
        }
    }

    /// <summary>Moves <paramref name="keyGroup"/> to <paramref name="watermark"/> (the end of the input): its windows and timers fire.</summary>
    public void AdvanceWatermark(int keyGroup, long watermark, List<Emitted> output)
    {
        try
        {
            Host(keyGroup).AdvanceWatermark(watermark, output);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw Failed(keyGroup, e);
        }
    }

    /// <summary>
    /// Fires the due processing-time timers of every key group (after the batch's records, as an entity fires them after
    /// its batch; an idle entity is woken by its own timer, a key group here at the next batch or tick).
    /// </summary>
    public void AdvanceProcessingTime(List<Emitted> output)
    {
        for (var group = 0; group < _hosts.Length; group++)
        {
            if (_hosts[group] is { NextProcessingTimeTimer: { } at } host && at <= _nowMs)
            {
                try
                {
                    host.AdvanceProcessingTime(_nowMs, output);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    throw Failed(group, e);
                }
            }
        }
    }

    /// <summary>
    /// A checkpoint's barrier for <paramref name="trigger"/>'s key group: its snapshot taken now, stored as its entity's,
    /// and acknowledged once durable. The snapshot must hold exactly the records dispatched before the barrier: a
    /// checkpoint asked for starts on the dispatching thread between two batches; the final one may start on another
    /// thread, later, but only after the end-of-input batch, behind which nothing is dispatched any more.
    /// </summary>
    public Task<KeyGroupCheckpointed> TriggerAsync(TriggerCheckpoint trigger)
    {
        byte[] state;
        try
        {
            state = Host(trigger.KeyGroup).Snapshot();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return Task.FromResult(new KeyGroupCheckpointed(jobName, trigger.KeyGroup, trigger.CheckpointId, -1, 0, $"snapshot failed: {e.GetType().Name}: {e.Message}"));
        }

        var saving = Task.Run(() => SaveAsync(trigger, state)); // the snapshot store is asked off the stream's thread
        lock (_saves)
        {
            _saves.RemoveAll(t => t.IsCompleted);
            _saves.Add(saving);
        }

        return saving;
    }

    /// <summary>
    /// Completes when every snapshot save this run started has been answered: a failover waits for it before the next
    /// run, whose checkpoints may take the ids of this run's aborted ones, so that a late save of this run cannot
    /// replace a snapshot of the next (an entity waits for its saves before its next incarnation the same way).
    /// </summary>
    public Task SettleAsync()
    {
        lock (_saves)
        {
            return Task.WhenAll(_saves);
        }
    }

    /// <summary>Deletes <paramref name="keyGroup"/>'s snapshots below <paramref name="sequenceNr"/> in the snapshot store.</summary>
    public void PruneSnapshots(int keyGroup, long sequenceNr) =>
        CheckpointedKeyGroupActor.DeleteSnapshotsBefore(system, PersistenceIds.KeyGroup(jobName, keyGroup), sequenceNr);

    private async Task<KeyGroupCheckpointed> SaveAsync(TriggerCheckpoint trigger, byte[] state)
    {
        try
        {
            var sequenceNr = await CheckpointedKeyGroupActor.SaveSnapshotForAsync(
                system, PersistenceIds.KeyGroup(jobName, trigger.KeyGroup), trigger.KeyGroup, trigger.CheckpointId, state, checkpointTimeout).ConfigureAwait(false);
            return new KeyGroupCheckpointed(jobName, trigger.KeyGroup, trigger.CheckpointId, sequenceNr, state.LongLength, null);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new KeyGroupCheckpointed(jobName, trigger.KeyGroup, trigger.CheckpointId, -1, 0, $"{e.GetType().Name}: {e.Message}");
        }
    }

    private InvalidOperationException Failed(int keyGroup, Exception e) =>
        new($"Job '{jobName}', key group {keyGroup} (run in place in batch mode): its operator failed: {e.GetType().Name}: {e.Message}", e);

    private StageGroupHost Host(int keyGroup)
    {
        if (keyGroup >= _hosts.Length)
        {
            Array.Resize(ref _hosts, Math.Max(keyGroup + 1, _hosts.Length * 2));
        }

        var host = _hosts[keyGroup];
        if (host is null)
        {
            try
            {
                host = create(keyGroup);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw Failed(keyGroup, e);
            }

            host.IsolateFailures = true;
            _hosts[keyGroup] = host;
        }

        host.SetProcessingTime(_nowMs);
        return host;
    }
}

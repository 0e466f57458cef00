using ActorFlow.Persistence.Snapshots;
using Akka.Actor;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. Batch mode's first-hop key groups run in place: on the job's node, in a few lanes on the thread pool
/// (<see cref="JobRunnerOptions.BatchKeyGroupParallelism"/>; key group modulo lanes), without key-group entities (as
/// Flink's batch mode runs a keyed operator in the task that reads its input). Chosen for a batch-mode run that starts
/// from no checkpoint (<see cref="JobRunnerOptions.BatchKeyGroupsInPlace"/>): such a run has no state to restore and,
/// taking no periodic checkpoint, nothing to hand over between nodes until its end. Each lane applies a batch's records
/// of its key groups in the batch's order (no batch per key group is built, no message is sent) while the stream's thread
/// reads and routes the next batch; the key groups see the
/// same records, watermarks and processing times as entities would and emit the same records, in the same order per
/// key group. Due processing-time timers fire at the next batch or periodic tick, as an entity's do.
/// <para>
/// A checkpoint's barrier (the final one, or one asked for) snapshots the key group in its lane, at the batch boundary the
/// barrier follows, and stores the snapshot as the key group's entity would store its own (the same persistence id and
/// sequence number), so a later run of the job restores it on any node. A firing whose user code throws (a window
/// function at the end-of-input watermark, a timer callback) becomes a dead letter naming operator, key and window, as
/// an entity does after its local restart (there is no earlier snapshot to restart from here). Any other failure fails
/// the run, naming the key group.
/// </para>
/// </summary>
internal sealed class LocalKeyGroups(ActorSystem system, string jobName, Func<int, StageGroupHost> create, TimeSpan checkpointTimeout, int keyGroups, int lanes)
{
    // Indexed by key group, made at a key group's first record by the lane that owns it (key group modulo lanes): the
    // array never grows, so the lanes touch only their own slots.
    private readonly StageGroupHost?[] _hosts = new StageGroupHost?[keyGroups];
    private readonly Lane[] _lanes = [.. Enumerable.Range(0, Math.Max(1, lanes)).Select(_ => new Lane())];

    // Per key group, its lane (key group modulo lanes), read per record by every lane: a lookup, not a division.
    private readonly int[] _laneOf = [.. Enumerable.Range(0, keyGroups).Select(g => g % Math.Max(1, lanes))];
    private readonly List<Task<KeyGroupCheckpointed>> _saves = [];

    // Set when the run ended (completed, failed or stopped): work still queued in a lane is skipped, so no operator
    // code of this run runs after it (a failover's next run may already apply the same key groups).
    private volatile bool _closed;

    /// <summary>
    /// Fires the due processing-time timers of every key group, then applies a batch's keyed records to their key groups,
    /// each lane its own key groups in the batch's order, on the thread pool (the stream's thread goes on reading
    /// meanwhile); then, with <paramref name="ended"/>, moves those key groups to <paramref name="endWatermark"/> in
    /// key-group order (every window and event-time timer fires). Completes with each lane's output; faults when a lane failed
    /// (the lowest lane's failure; a lane that failed fails every later batch: its key groups' state is no longer whole).
    /// </summary>
    /// <param name="chunks">The batch: records for a sink or a later hop (<paramref name="portHops"/>) are skipped here.</param>
    /// <param name="watermark">The watermark in force before the batch (it moves only at the end-of-input tick).</param>
    /// <param name="nowMs">The batch's processing time: what the operators read, and what fires their timers.</param>
    /// <param name="portHops">Each stage input's hop (records for a later hop are not this hop's), or null.</param>
    /// <param name="ended">At the end of the input: the key groups that have seen data, in key-group order; else null.</param>
    /// <param name="endWatermark">The watermark <paramref name="ended"/> move to.</param>
    public Task<IReadOnlyList<Emitted>[]> ApplyAsync(Chunk<Keyed>[] chunks, long watermark, long nowMs, int[]? portHops, IReadOnlyList<int>? ended, long endWatermark)
    {
        if (_lanes.Length == 1)
        {
            return _lanes[0].Run(IReadOnlyList<Emitted>[] () => [Apply(0, chunks, watermark, nowMs, portHops, ended, endWatermark)]);
        }

        var applied = new Task<IReadOnlyList<Emitted>>[_lanes.Length];
        for (var lane = 0; lane < _lanes.Length; lane++)
        {
            var index = lane;
            applied[lane] = _lanes[lane].Run(IReadOnlyList<Emitted> () => Apply(index, chunks, watermark, nowMs, portHops, ended, endWatermark));
        }

        return Task.WhenAll(applied);
    }

    /// <summary>
    /// A checkpoint's barrier for <paramref name="trigger"/>'s key group: its snapshot taken by its lane behind every batch
    /// dispatched before the barrier, stored as its entity's, and acknowledged once durable. A checkpoint asked for
    /// starts on the dispatching thread between two batches; the final one may start on another thread, later, but only
    /// after the end-of-input batch, behind which nothing is dispatched any more.
    /// </summary>
    public Task<KeyGroupCheckpointed> TriggerAsync(TriggerCheckpoint trigger)
    {
        var saving = _lanes[trigger.KeyGroup % _lanes.Length].Run(() =>
        {
            if (_closed)
            {
                return Task.FromResult(new KeyGroupCheckpointed(jobName, trigger.KeyGroup, trigger.CheckpointId, -1, 0, "the run ended"));
            }

            byte[] state;
            try
            {
                state = Host(trigger.KeyGroup).Snapshot();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return Task.FromResult(new KeyGroupCheckpointed(jobName, trigger.KeyGroup, trigger.CheckpointId, -1, 0, $"snapshot failed: {e.GetType().Name}: {e.Message}"));
            }

            return Task.Run(() => SaveAsync(trigger, state)); // the snapshot store is asked off the lane
        }).ContinueWith(
            t => t.IsCompletedSuccessfully
                ? t.Result
                : Task.FromResult(new KeyGroupCheckpointed(jobName, trigger.KeyGroup, trigger.CheckpointId, -1, 0, $"snapshot failed: {Reason(t.Exception)}")),
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).Unwrap();
        lock (_saves)
        {
            _saves.RemoveAll(t => t.IsCompleted);
            _saves.Add(saving);
        }

        return saving;
    }

    /// <summary>
    /// The run ended: work still queued in the lanes is skipped. Completes when what a lane was running has finished.
    /// </summary>
    public Task CloseAsync()
    {
        _closed = true;
        return Task.WhenAll(_lanes.Select(l => l.Idle));
    }

    /// <summary>
    /// Completes when every snapshot save this run started has been answered: a failover waits for it before the next
    /// run, whose checkpoints may take the ids of this run's aborted ones, so that a late save of this run cannot
    /// replace a snapshot of the next (an entity waits for its saves before its next incarnation the same way).
    /// </summary>
    public Task SettleAsync()
    {
        Task[] pending;
        lock (_saves)
        {
            pending = [.. _saves, .. _lanes.Select(l => l.Idle)];
        }

        return Task.WhenAll(pending);
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

    private static string Reason(AggregateException? error) =>
        error?.InnerException is { } inner ? $"{inner.GetType().Name}: {inner.Message}" : "the key group's lane failed";

    private List<Emitted> Apply(int lane, Chunk<Keyed>[] chunks, long watermark, long nowMs, int[]? portHops, IReadOnlyList<int>? ended, long endWatermark)
    {
        var output = new List<Emitted>();
        if (_closed)
        {
            return output;
        }

        var lanes = _lanes.Length;

        // The due processing-time timers first, before the batch's records, as an entity fires them when a batch arrives.
        for (var group = lane; group < _hosts.Length; group += lanes)
        {
            if (_hosts[group] is { NextProcessingTimeTimer: { } at } host && at <= nowMs)
            {
                Guarded(group, () => host.AdvanceProcessingTime(nowMs, output));
            }
        }

        foreach (var chunk in chunks)
        {
            var inForce = watermark;
            if (chunk.IsTick)
            {
                // Periodic ticks move nothing in batch mode: only the end of the input does.
                watermark = chunk.IsEndOfInput ? chunk.Watermark : watermark;
                continue;
            }

            for (var i = 0; i < chunk.Count; i++)
            {
                ref readonly var element = ref chunk.Items[i];
                var record = element.Value;
                if (record.KeyGroup == Routed.EveryKeyGroup)
                {
                    if (portHops is not null && portHops[record.Target] > 1)
                    {
                        continue;
                    }

                    // Each key group reads it as its own (stamped with its key group).
                    var every = new Routed(record.KeyGroup, record.Key, record.Value, element.Timestamp, inForce, chunk.Origin, element.Offset, element.RawKey, element.RawValue, record.Target);
                    for (var group = lane; group < keyGroups; group += lanes)
                    {
                        Element(every with { KeyGroup = group }, nowMs, output);
                    }

                    continue;
                }

                // (A key group past the job's count goes to lane 0, whose Host reports it.)
                if (record.KeyGroup < 0 || (record.KeyGroup < keyGroups ? _laneOf[record.KeyGroup] : 0) != lane || (portHops is not null && portHops[record.Target] > 1))
                {
                    continue; // a sink's, a later hop's (the dispatcher emits those), or another lane's
                }

                Element(new Routed(record.KeyGroup, record.Key, record.Value, element.Timestamp, inForce, chunk.Origin, element.Offset, element.RawKey, element.RawValue, record.Target), nowMs, output);
            }
        }

        if (ended is not null)
        {
            foreach (var group in ended)
            {
                if (group % lanes == lane)
                {
                    Guarded(group, () =>
                    {
                        var host = Host(group);
                        host.SetProcessingTime(nowMs);
                        host.AdvanceWatermark(endWatermark, output);
                    });
                }
            }
        }

        return output;
    }

    private void Element(in Routed record, long nowMs, List<Emitted> output)
    {
        try
        {
            var host = Host(record.KeyGroup);
            host.SetProcessingTime(nowMs);
            host.Element(record, output);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw Failed(record.KeyGroup, e);
        }
    }

    private void Guarded(int keyGroup, Action action)
    {
        try
        {
            action();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw Failed(keyGroup, e);
        }
    }

    private InvalidOperationException Failed(int keyGroup, Exception e) =>
        new($"Job '{jobName}', key group {keyGroup} (run in place in batch mode): its operator failed: {e.GetType().Name}: {e.Message}", e);

    private StageGroupHost Host(int keyGroup)
    {
        if ((uint)keyGroup >= (uint)_hosts.Length)
        {
            throw new InvalidDataException($"A record arrived for key group {keyGroup}; the job has {_hosts.Length}.");
        }

        var host = _hosts[keyGroup];
        if (host is null)
        {
            host = create(keyGroup);
            host.IsolateFailures = true;
            _hosts[keyGroup] = host;
        }

        return host;
    }

    /// <summary>
    /// One lane: work items run one after another on the thread pool, in the order given. After a failure every later
    /// item fails with it (the lane's key groups lost part of a batch).
    /// </summary>
    private sealed class Lane
    {
        private readonly Lock _gate = new();
        private Task _tail = Task.CompletedTask;
        private Exception? _failure;

        /// <summary>Completes when every item given so far has run.</summary>
        public Task Idle
        {
            get
            {
                lock (_gate)
                {
                    return _tail.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                }
            }
        }

        public Task<T> Run<T>(Func<T> work)
        {
            lock (_gate)
            {
                var next = _tail.ContinueWith(
                    _ =>
                    {
                        if (Volatile.Read(ref _failure) is { } failed)
                        {
                            throw new InvalidOperationException($"An earlier batch of this lane failed: {failed.Message}", failed);
                        }

                        try
                        {
                            return work();
                        }
                        catch (Exception e)
                        {
                            Interlocked.CompareExchange(ref _failure, e, null);
                            throw;
                        }
                    },
                    CancellationToken.None, TaskContinuationOptions.DenyChildAttach, TaskScheduler.Default);
                _tail = next;
                return next;
            }
        }
    }
}

using ActorFlow.Persistence.Checkpoints;
using ActorFlow.Topology.Connectors;
using Akka.Actor;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. Sends one batch of routed records to the key groups (one message per key group present, answered to
/// the run's <see cref="KeyGroupReplies"/>) and, on a
/// watermark tick, a watermark-only message to every other key group that has seen data, so windows and timers of
/// quiet key groups fire too. Message construction (sequence numbers) happens synchronously on the stream's
/// thread, in batch order, so per key group the batches stay in order even with several batches in flight.
/// This is the first hop of a job graph: records for a sink (key group -1) leave as <see cref="EmittedKind.Sink"/>,
/// records for a stage of a later hop (<paramref name="portHops"/>) as <see cref="EmittedKind.Forward"/>; with later
/// hops, each batch's output ends with a <see cref="EmittedKind.Watermark"/> marker (before its barrier, if any).
/// In batch mode (<see cref="ExecutionMode.Batch"/>) the watermark stays at its start until the end-of-input tick, and
/// with <paramref name="local"/> the records are handed to the key groups' lanes on this node instead of sent (<see cref="LocalKeyGroups"/>).
/// </summary>
internal sealed class BatchDispatcher(
    IActorRef? region, string jobName, string sourceId, JobRunnerOptions options, CheckpointRecord? restoredFrom,
    int[]? portHops = null, int keyGroups = int.MaxValue, LocalKeyGroups? local = null)
{
    private static readonly Task<KeyGroupReply[]> NoReplies = Task.FromResult(Array.Empty<KeyGroupReply>());

    private static readonly Task<IReadOnlyList<Emitted>[]> NoOutputs = Task.FromResult(Array.Empty<IReadOnlyList<Emitted>>());

    private readonly bool _laterHops = portHops is not null && portHops.Any(h => h > 1);

    private readonly bool _batch = options.ExecutionMode == ExecutionMode.Batch;

    private readonly Dictionary<int, long> _sequences = restoredFrom is null ? [] : restoredFrom.KeyGroups.Where(kg => kg.KeyGroup < keyGroups).ToDictionary(kg => kg.KeyGroup, _ => 0L);

    // Per key group, the snapshot this run started it from: a key group holding another state cannot take its batches.
    private readonly Dictionary<int, long> _baseSnapshots = restoredFrom is null
        ? []
        : restoredFrom.KeyGroups.Where(kg => kg.KeyGroup < keyGroups).ToDictionary(kg => kg.KeyGroup, kg => restoredFrom.RestorePointFor(kg.KeyGroup)?.SequenceNr ?? -1);
    // Starts at the restored checkpoint's offsets: a checkpoint taken before a partition delivered anything must still
    // name that partition's position (else a restore of it would read the partition from the consumer group's
    // committed offset, which a newer checkpoint than the restored one may have moved past records never counted).
    private readonly Dictionary<string, long> _nextOffsets = restoredFrom is null
        ? new(StringComparer.Ordinal)
        : SourcePartitionIds.ToNextOffsets(restoredFrom.Offsets);
    // A restored run starts at its checkpoint's watermark: no key group restored a later one, so every record it
    // replays is judged against the same watermark in every key group. Except after the end of a bounded input (the
    // final checkpoint): the operators start event time again too (Watermark.Restored), for the new input.
    private long _watermark = Operators.Watermark.Restored(restoredFrom?.Watermark ?? long.MinValue);

    // Partitions a source announced (a chunk of theirs came) that have no position yet: their start was not resolved
    // (e.g. a failed offset lookup) and they delivered nothing. While there are any, a checkpoint does not name every
    // assigned partition (CheckpointRecord.NamesAssignedPartitions). Stream thread only.
    private readonly HashSet<string> _unpositioned = new(StringComparer.Ordinal);

    // The job's bounded input ended (the end-of-input tick went out, with the final checkpoint's barrier behind it).
    private bool _ended;

    // A stop with a savepoint (RequestStop): 0 none, 1 asked for, 2 its final checkpoint started behind the batch that
    // saw it (from then on nothing more is dispatched). _stopTaken completes with that checkpoint's record.
    private int _stop;
    private TaskCompletionSource<CheckpointRecord>? _stopTaken;

    // The stop drains (RequestStop): its last batch ends the input, so every event-time window and timer fires before the checkpoint.
    private volatile bool _drain;

    // The batch being dispatched is the stop's last (claimed at the top of DispatchAsync; stream thread only).
    private bool _stopsHere;

    // Records per key group in the batch being dispatched (zero between batches; grows to the highest key group seen).
    private int[] _counts = new int[Math.Min(keyGroups, 128)];

    // The key groups' reply address for this run (made at the first batch to a key group: a stateless job has none).
    private KeyGroupReplies? _replies;

    public long Watermark => Volatile.Read(ref _watermark);

    /// <summary>Whether the job's input ended (all its sources bounded, or a stop that drains): the end-of-input watermark went to every key group.</summary>
    public bool EndOfInput => Volatile.Read(ref _ended);

    /// <summary>Whether the input ended by a stop that drains (<see cref="RequestStop"/>), not by the sources.</summary>
    public bool Drained => _drain && Volatile.Read(ref _stop) == 2 && EndOfInput;

    /// <summary>Set once the coordinator exists; checkpoints start between batches, their barriers on the batches' path.</summary>
    public CheckpointCoordinator? Checkpoints
    {
        get;
        set
        {
            field = value;
            if (value is not null && local is not null)
            {
                value.Barriers = local.TriggerAsync;
                // Their entities were never started: their snapshots are pruned in the store, not by starting them.
                value.PruneSnapshots = (group, before) =>
                {
                    if (group < keyGroups)
                    {
                        local.PruneSnapshots(group, before);
                    }
                    else
                    {
                        region!.Tell(new PruneSnapshots(jobName, group, before));
                    }
                };
            }
            else if (value is not null && region is not null)
            {
                value.Barriers = trigger => Replies.TriggerAsync(trigger);
            }
        }
    }

    // Made once, by the stream thread's first batch or by a barrier of a checkpoint started elsewhere (a bounded run's final one).
    private KeyGroupReplies Replies
    {
        get
        {
            if (Volatile.Read(ref _replies) is { } replies)
            {
                return replies;
            }

            var made = new KeyGroupReplies(region!, jobName, options);
            if (Interlocked.CompareExchange(ref _replies, made, null) is { } other)
            {
                made.Close();
                return other;
            }

            return made;
        }
    }

    /// <summary>The first hop's key groups when they run in place (batch mode), else null.</summary>
    public LocalKeyGroups? InPlace => local;

    /// <summary>Every key group this run has sent to or restored (stream thread only; read it once the stream has stopped).</summary>
    public IReadOnlyCollection<int> KeyGroups => _sequences.Keys;

    /// <summary>Per source partition, the next offset to read after everything dispatched so far. Stream thread only.</summary>
    public IReadOnlyDictionary<string, long> NextOffsets => _nextOffsets;

    /// <summary>Whether every partition the sources announced has a position in <see cref="NextOffsets"/>. Stream thread only.</summary>
    public bool NamesAssignedPartitions => _unpositioned.Count == 0;

    /// <summary>Takes a source chunk's position (the next offset after it), or notes its partition as without one.</summary>
    private void Position(Chunk<Keyed> chunk)
    {
        if (chunk.IsTick)
        {
            return;
        }

        if (chunk.NextOffset >= 0)
        {
            _nextOffsets[chunk.Origin!] = chunk.NextOffset;
            if (_unpositioned.Count > 0)
            {
                _unpositioned.Remove(chunk.Origin!);
            }
        }
        else if (!_nextOffsets.ContainsKey(chunk.Origin!))
        {
            _unpositioned.Add(chunk.Origin!);
        }
    }

    /// <summary>
    /// A stop with a savepoint: the next batch is the last one dispatched, and the final checkpoint starts behind it at
    /// the watermark of then (with <paramref name="drain"/>, behind the end of the input: the watermark moves to its end,
    /// so every event-time window and timer fires first, as a bounded input's end does); every batch after it is dropped unread, so
    /// nothing the checkpoint does not cover reaches a key group or a sink (the next run reads those records again from its
    /// offsets). Completes with the checkpoint's record once it is durable and its exactly-once output published; fails
    /// when it fails, or when the run ends first.
    /// </summary>
    public Task<CheckpointRecord> RequestStop(bool drain)
    {
        var taken = new TaskCompletionSource<CheckpointRecord>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Interlocked.CompareExchange(ref _stopTaken, taken, null) is { } earlier)
        {
            return earlier.Task; // asked for already: the same checkpoint
        }

        _drain = drain;
        Volatile.Write(ref _stop, 1);
        return taken.Task;
    }

    /// <summary>Withdraws a stop whose final checkpoint has not started (it took too long); false when it has.</summary>
    public bool CancelStop()
    {
        if (Interlocked.CompareExchange(ref _stop, 0, 1) != 1)
        {
            return false;
        }

        Interlocked.Exchange(ref _stopTaken, null)?.TrySetCanceled();
        return true;
    }

    public Task<List<Emitted>> DispatchAsync(IReadOnlyList<Chunk<Keyed>> batch)
    {
        if (Volatile.Read(ref _stop) == 2)
        {
            return AfterStop();
        }

        // A stop with a savepoint is claimed here, once, for this batch (Finish starts its final checkpoint): claimed
        // later, a stop asked for meanwhile took a batch without the drain's end of the input.
        _stopsHere = Checkpoints is not null && !_ended && Volatile.Read(ref _stop) == 1 && Interlocked.CompareExchange(ref _stop, 2, 1) == 1;
        if (_stopsHere && _drain)
        {
            batch = [.. batch, Chunk<Keyed>.Tick(Operators.Watermark.EndOfInput)]; // the stop ends the input
        }

        if (local is not null)
        {
            return DispatchInPlace(batch, local);
        }

        // Two passes over the batch: the first counts the records of each key group, so that the second writes each
        // record once, stamped, into an array of its key group's exact size (no list growth, no `with` copies).
        var counts = _counts;
        Array.Clear(counts);
        var direct = 0; // records that leave with this batch's output (to a sink or a later hop) and dead letters
        foreach (var chunk in batch)
        {
            direct += chunk.Dead?.Count ?? 0;
            for (var i = 0; i < chunk.Count; i++)
            {
                var record = chunk.Items[i].Value;
                if (record.KeyGroup < 0 && record.KeyGroup != Routed.EveryKeyGroup)
                {
                    direct++;
                }
                else if (portHops is not null && portHops[record.Target] > 1)
                {
                    direct++;
                }
                else if (record.KeyGroup == Routed.EveryKeyGroup)
                {
                    counts = Grow(keyGroups - 1);
                    for (var group = 0; group < keyGroups; group++)
                    {
                        counts[group]++;
                    }
                }
                else
                {
                    counts = Grow(record.KeyGroup);
                    counts[record.KeyGroup]++;
                }
            }
        }

        // Per key group, where its records are in the batch (chunk, item): they are read in place, stamped as read.
        var byGroup = new long[counts.Length][];
        for (var group = 0; group < counts.Length; group++)
        {
            if (counts[group] > 0)
            {
                byGroup[group] = new long[counts[group]];
                counts[group] = 0; // from here on: the next free position
            }
        }

        var chunks = batch as Chunk<Keyed>[] ?? [.. batch];
        var inForceOf = new long[chunks.Length];

        // A stateless job emits every record here; a keyed one collects the key groups' replies later (Collect sizes
        // the list once for them).
        var emitted = new List<Emitted>(direct);
        var tick = false;
        var end = false;
        // The watermark in force for a chunk's records is the one before the chunk: a chunk's own watermark already
        // counts its records, and applies to the records after it.
        var watermark = Watermark;
        var before = watermark;
        for (var c = 0; c < chunks.Length; c++)
        {
            var chunk = chunks[c];
            var inForce = inForceOf[c] = watermark;
            // Batch mode: event time stands still until the end of the input (nothing is late; every window and timer
            // fires at the end-of-input watermark).
            watermark = _batch ? (chunk.IsEndOfInput ? chunk.Watermark : watermark) : Math.Max(watermark, chunk.Watermark);
            if (chunk.IsTick)
            {
                // Batch mode's periodic ticks move no watermark, so they send the key groups nothing; they still make a
                // batch boundary, where a checkpoint asked for while the input stalls can start.
                tick |= !_batch || chunk.IsEndOfInput;
                end |= chunk.IsEndOfInput;
                continue;
            }

            Position(chunk);

            for (var i = 0; i < chunk.Count; i++)
            {
                ref readonly var element = ref chunk.Items[i];
                var record = element.Value;
                if (record.KeyGroup < 0 && record.KeyGroup != Routed.EveryKeyGroup)
                {
                    emitted.Add(new Emitted(EmittedKind.Sink, null, record.Value, element.Timestamp, record.Target));
                    continue;
                }

                if (portHops is not null && portHops[record.Target] > 1)
                {
                    // A later hop's stage reads it (after a stage of this hop, e.g. the other input of a join).
                    var stamped = new Routed(record.KeyGroup, record.Key, record.Value, element.Timestamp, inForce, chunk.Origin, element.Offset, element.RawKey, element.RawValue, record.Target);
                    emitted.Add(new Emitted(EmittedKind.Forward, null, stamped, element.Timestamp, record.Target));
                    continue;
                }

                var position = KeyGroupRecords.Position(c, i);
                if (record.KeyGroup == Routed.EveryKeyGroup)
                {
                    // Each key group reads it as its own (stamped with its key group).
                    for (var group = 0; group < keyGroups; group++)
                    {
                        byGroup[group][counts[group]++] = position;
                    }

                    continue;
                }

                byGroup[record.KeyGroup][counts[record.KeyGroup]++] = position;
            }

            if (chunk.Dead is { } dead)
            {
                foreach (var letter in dead)
                {
                    emitted.Add(new Emitted(EmittedKind.Dead, null, letter, chunk.Watermark));
                }
            }
        }

        // A watermark that rose within the batch (a punctuated generator's, emitted for a record) reaches every key group
        // that has seen data, as a tick's does: the marker below takes it to the later hops, whose windows would fire
        // before this hop's key groups without records in the batch fired theirs, and those results would come late
        // there (Flink fires an operator's timers for every key before it forwards a watermark).
        tick |= watermark > before;
        Volatile.Write(ref _watermark, watermark);
        var batches = new List<KeyGroupBatch>();
        // In key-group order: the groups with records, and on a tick every other group that has seen data (a
        // watermark-only message, so its windows and timers fire too).
        var records = new KeyGroupRecords.Batch(chunks, inForceOf);
        var last = byGroup.Length - 1;
        if (tick)
        {
            foreach (var group in _sequences.Keys)
            {
                last = Math.Max(last, group);
            }
        }

        for (var group = 0; group <= last; group++)
        {
            var positions = group < byGroup.Length ? byGroup[group] : null;
            if (positions is null && !(tick && _sequences.ContainsKey(group)))
            {
                continue;
            }

            var sequence = _sequences[group] = _sequences.GetValueOrDefault(group) + 1;
            IReadOnlyList<Routed> groupRecords = positions is null ? [] : new KeyGroupRecords(group, records, positions);
            batches.Add(new KeyGroupBatch(jobName, group, sourceId, sequence, groupRecords, watermark, _baseSnapshots.GetValueOrDefault(group, -1)));
        }

        // Sent here, on the stream's thread and before any barrier below: every key group sees its batches in order.
        var asks = batches.Count == 0 ? NoReplies : Replies.SendAsync([.. batches]);
        return Finish(emitted, asks, tick, end, watermark);
    }

    /// <summary>
    /// The batch's end, in both paths: its watermark marker for the later hops, and the barrier behind it when a
    /// checkpoint starts here (the final one at the end of the input).
    /// </summary>
    private Task<List<Emitted>> Finish(List<Emitted> emitted, Task<KeyGroupReply[]> asks, bool tick, bool end, long watermark) =>
        Finish(emitted, asks.IsCompletedSuccessfully && asks.Result.Length == 0 ? NoOutputs : Outputs(asks), tick, end, watermark);

    private static async Task<IReadOnlyList<Emitted>[]> Outputs(Task<KeyGroupReply[]> asks) =>
        [.. (await asks.ConfigureAwait(false)).Select(r => r.Emitted)];

    private Task<List<Emitted>> Finish(List<Emitted> emitted, Task<IReadOnlyList<Emitted>[]> asks, bool tick, bool end, long watermark)
    {
        var marker = _laterHops ? new Emitted(EmittedKind.Watermark, tick ? Emitted.TickTag : null, null, watermark) : (Emitted?)null;
        if (end && !_ended)
        {
            Volatile.Write(ref _ended, true);
        }
        else
        {
            end = false;
        }

        // A stop with a savepoint takes this batch as its last: its final checkpoint starts behind it.
        var stop = _stopsHere;
        _stopsHere = false;
        if ((end || stop) && Checkpoints is { } checkpoints)
        {
            // The end of a bounded input: every key group got the end-of-input watermark above (sent to its entity, or
            // queued in its lane); the final checkpoint's barrier follows it (through every hop), so the exactly-once
            // sinks publish their last epoch. In place, it starts once the lanes applied the end: not after a failure.
            var offsets = new Dictionary<string, long>(_nextOffsets, StringComparer.Ordinal);
            int[] groups = [.. _sequences.Keys];
            var final = local is null
                ? checkpoints.StartFinalAsync(offsets, groups, watermark, NamesAssignedPartitions)
                : StartFinalAfterAsync(asks, checkpoints, offsets, groups, watermark, NamesAssignedPartitions);
            if (stop && Volatile.Read(ref _stopTaken) is { } taken)
            {
                _ = ReportStopAsync(final, checkpoints, taken);
            }

            return CollectFinal(emitted, asks, final, marker);
        }

        // The barrier goes out behind this batch's messages: every key group sees it after the records before it.
        var started = _ended ? 0 : Checkpoints?.MaybeStart(_nextOffsets, _sequences.Keys, watermark, NamesAssignedPartitions) ?? 0;

        return Collect(emitted, asks, started, marker);
    }

    private static async Task ReportStopAsync(Task<long> started, CheckpointCoordinator checkpoints, TaskCompletionSource<CheckpointRecord> taken)
    {
        try
        {
            await started.ConfigureAwait(false);
            var final = checkpoints.Final ?? throw new InvalidOperationException("the run ended before its final checkpoint started");
            taken.TrySetResult(await final.ConfigureAwait(false));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            taken.TrySetException(e);
        }
    }

    /// <summary>
    /// A batch after a stop's final checkpoint started: dropped (the next run reads its records again from the checkpoint's
    /// offsets). A final checkpoint that failed fails the run here: it fails over to its last complete checkpoint and reads
    /// on, as a Flink job whose stop-with-savepoint failed keeps running.
    /// </summary>
    private Task<List<Emitted>> AfterStop() =>
        Checkpoints?.Final is { IsFaulted: true } failed
            ? Task.FromException<List<Emitted>>(failed.Exception!.InnerException!)
            : Task.FromResult(new List<Emitted>());

    private static async Task<long> StartFinalAfterAsync(Task applied, CheckpointCoordinator checkpoints, Dictionary<string, long> offsets, int[] groups, long watermark, bool namesAssigned)
    {
        await applied.ConfigureAwait(false);
        return await checkpoints.StartFinalAsync(offsets, groups, watermark, namesAssigned).ConfigureAwait(false);
    }

    private static async Task<List<Emitted>> CollectFinal(List<Emitted> emitted, Task<IReadOnlyList<Emitted>[]> asks, Task<long> final, Emitted? watermark) =>
        await Collect(emitted, asks, await final.ConfigureAwait(false), watermark).ConfigureAwait(false);

    /// <summary>
    /// Batch mode in place (<see cref="LocalKeyGroups"/>): the batch's keyed records handed to the key groups' lanes as
    /// they are, where <see cref="DispatchAsync"/> groups them into one message per key group; the output is the same per
    /// key group (the watermark stands still until the end of the input, so no record's watermark differs). Records for a
    /// sink or a later hop and dead letters leave here, ahead of what the key groups emit, as in the entities' path.
    /// </summary>
    private Task<List<Emitted>> DispatchInPlace(IReadOnlyList<Chunk<Keyed>> batch, LocalKeyGroups groups)
    {
        var emitted = new List<Emitted>();
        var nowMs = options.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        var end = false;
        var before = Watermark;
        var watermark = before;
        foreach (var chunk in batch)
        {
            var inForce = watermark;
            if (chunk.IsTick)
            {
                // Periodic ticks move nothing in batch mode: only the end of the input does.
                end |= chunk.IsEndOfInput;
                watermark = chunk.IsEndOfInput ? chunk.Watermark : watermark;
                continue;
            }

            Position(chunk);

            for (var i = 0; i < chunk.Count; i++)
            {
                ref readonly var element = ref chunk.Items[i];
                var record = element.Value;
                if (record.KeyGroup < 0 && record.KeyGroup != Routed.EveryKeyGroup)
                {
                    emitted.Add(new Emitted(EmittedKind.Sink, null, record.Value, element.Timestamp, record.Target));
                    continue;
                }

                if (portHops is not null && portHops[record.Target] > 1)
                {
                    var routed = new Routed(record.KeyGroup, record.Key, record.Value, element.Timestamp, inForce, chunk.Origin, element.Offset, element.RawKey, element.RawValue, record.Target);
                    emitted.Add(new Emitted(EmittedKind.Forward, null, routed, element.Timestamp, record.Target));
                    continue;
                }

                if (record.KeyGroup == Routed.EveryKeyGroup)
                {
                    for (var group = 0; group < keyGroups; group++)
                    {
                        Seen(group);
                    }

                    continue;
                }

                Seen(record.KeyGroup);
            }

            if (chunk.Dead is { } dead)
            {
                foreach (var letter in dead)
                {
                    emitted.Add(new Emitted(EmittedKind.Dead, null, letter, chunk.Watermark));
                }
            }
        }

        Volatile.Write(ref _watermark, watermark);
        // At the end: the end-of-input watermark to every key group that has seen data, in key-group order per lane.
        var ended = end ? _sequences.Keys.Order().ToArray() : null;
        var chunks = batch as Chunk<Keyed>[] ?? [.. batch];
        var applied = groups.ApplyAsync(chunks, before, nowMs, portHops, ended, watermark);
        return Finish(emitted, applied, end, end, watermark);
    }

    /// <summary>A key group has records in this run (it takes part in its checkpoints). Stream thread only.</summary>
    private void Seen(int group)
    {
        var counts = Grow(group);
        if (counts[group] == 0)
        {
            counts[group] = 1;
            _sequences.TryAdd(group, 0);
        }
    }

    /// <summary>The per-key-group counters, long enough for <paramref name="group"/> (stream thread only).</summary>
    private int[] Grow(int group)
    {
        if (group >= _counts.Length)
        {
            Array.Resize(ref _counts, Math.Max(group + 1, _counts.Length * 2));
        }

        return _counts;
    }

    private static async Task<List<Emitted>> Collect(List<Emitted> emitted, Task<IReadOnlyList<Emitted>[]> asks, long checkpoint, Emitted? watermark)
    {
        var replies = await asks.ConfigureAwait(false);
        var total = emitted.Count + 1;
        foreach (var reply in replies)
        {
            total += reply.Count;
        }

        emitted.Capacity = Math.Max(emitted.Capacity, total + 1);
        foreach (var reply in replies)
        {
            emitted.AddRange(reply);
        }

        if (watermark is { } marker)
        {
            // The next hop moves to it after this batch's records (its key groups see the watermark these fired at).
            emitted.Add(marker);
        }

        if (checkpoint > 0)
        {
            // This batch's replies hold what the key groups emitted before the barrier: the sinks see the barrier
            // after them (and after every earlier batch, whose replies come first in the stream).
            emitted.Add(new Emitted(EmittedKind.Barrier, null, checkpoint, 0));
        }

        return emitted;
    }

    /// <summary>
    /// The run ended: the reply address goes (no more resends). A stop still waiting for its batch gets the final checkpoint
    /// of a bounded input that ended first, else fails.
    /// </summary>
    public void Close()
    {
        Volatile.Read(ref _replies)?.Close();
        if (Interlocked.CompareExchange(ref _stop, 0, 1) == 1 && Volatile.Read(ref _stopTaken) is { } taken)
        {
            if (EndOfInput && Checkpoints?.Final is { IsCompletedSuccessfully: true } final)
            {
                taken.TrySetResult(final.Result); // the input ended first: its final checkpoint is the last
            }
            else
            {
                taken.TrySetException(new InvalidOperationException("the run ended (it failed, or was stopped) before the stop's final checkpoint started"));
            }
        }
    }
}

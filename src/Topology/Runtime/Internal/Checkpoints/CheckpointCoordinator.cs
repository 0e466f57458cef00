using System.Collections.Immutable;
using System.Diagnostics;
using ActorFlow.Persistence.Checkpoints;
using ActorFlow.Topology.Connectors;
using Akka.Actor;
using Akka.Event;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. Runs the checkpoints of one job. The dispatcher starts checkpoint n between two batches: it hands
/// over the source offsets of everything dispatched so far and the barrier goes to every key group behind the
/// batches before it (same sender, same order, so every key group is aligned). When every key group has
/// acknowledged a durable snapshot, the checkpoint record (offsets, snapshot sequence numbers, sizes) is written;
/// only then is n the recovery point, and then the sources commit the offsets to the consumer group and old
/// checkpoints are pruned (their records at once, key-group snapshots every <c>RetainedCheckpoints</c>
/// checkpoints). A failure or timeout aborts n (counted, logged); the job keeps running and the previous complete
/// checkpoint stays the recovery point. Checkpoint ids are above every id in the store (read once before the first
/// checkpoint), also after restoring an older checkpoint: a key group stores a checkpoint's snapshot at a sequence
/// number derived from its id, so an id still named by a stored record must never be taken again.
/// </summary>
internal sealed class CheckpointCoordinator(
    string jobName,
    IActorRef region,
    ICheckpointStore store,
    ISourceControlHolder source,
    JobRunnerOptions options,
    ILoggingAdapter log,
    Action<CheckpointRecord> onCompleted,
    long lastCompleted)
{
    private readonly Stopwatch _sinceLast = Stopwatch.StartNew();
    private readonly object _gate = new();
    private readonly CancellationTokenSource _closing = new();
    private bool _closed;

    // Why the run was closed (the failure the job fails over from), for the checkpoints it aborts.
    private Exception? _closeCause;
    private Task _committing = Task.CompletedTask;

    // Failure records of checkpoints that failed while the run was open, written in order: closing waits for them, so
    // the store is not disposed (or its directory deleted) under a write still under way.
    private Task _recordingFailures = Task.CompletedTask;
    private readonly Stopwatch _sinceIdsRead = Stopwatch.StartNew();
    private int _inFlight;
    private long _lastId = lastCompleted;
    private Task<long>? _highestStoredId;
    private int _completedSincePrune;
    private TaskCompletionSource<CheckpointRecord>? _requested;
    private TaskCompletionSource<CheckpointRecord>? _final;
    private readonly Dictionary<long, HopJoin> _joins = [];

    public long LastCompletedId { get; private set; } = lastCompleted;

    public long Failed { get; private set; }

    /// <summary>The job's checkpoint store (savepoints are promoted complete checkpoints).</summary>
    public ICheckpointStore Store => store;

    /// <summary>The job's name.</summary>
    public string JobName => jobName;

    /// <summary>
    /// The hops after the first of a job graph: a checkpoint's barrier passes each of them in order behind the records
    /// before it, and the checkpoint completes only once every hop's key groups have acknowledged it (<see cref="Join"/>).
    /// </summary>
    public int LaterHops { get; set; }

    /// <summary>
    /// The job's key-group count (its max parallelism) when it has keyed stages: every record stores it under
    /// <see cref="KeyGroupCountKey"/>, and a start that would restore it with another count is refused.
    /// </summary>
    public int? KeyGroupCount { get; init; }

    /// <summary>Where a record keeps <see cref="KeyGroupCount"/> (among the sinks' entries, which are strings too).</summary>
    public const string KeyGroupCountKey = "actorflow.key-groups";

    private readonly TaskCompletionSource _intolerable = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _failedInARow;

    /// <summary>
    /// Fails when more checkpoints failed in a row than <see cref="JobRunnerOptions.TolerableCheckpointFailures"/>
    /// allows (the run then fails over); never completes otherwise.
    /// </summary>
    public Task Intolerable => _intolerable.Task;

    /// <summary>
    /// Sends a barrier to a key group of the first hop on the path its batches take (the dispatcher's
    /// <see cref="KeyGroupReplies.TriggerAsync"/>); null: through the shard region.
    /// </summary>
    public Func<TriggerCheckpoint, Task<KeyGroupCheckpointed>>? Barriers { get; set; }

    /// <summary>
    /// Deletes an entity's snapshots below a sequence number (key groups run in place have no entity to tell); null:
    /// a <see cref="Internal.PruneSnapshots"/> message to the entity through the region.
    /// </summary>
    public Action<int, long>? PruneSnapshots { get; set; }

    /// <summary>Raised once per completed checkpoint (after its record is durable).</summary>
    public event Action<CheckpointRecord>? CheckpointCompleted;

    /// <summary>
    /// Failover: no checkpoint of this run completes any more (one still waiting for its key groups or for its
    /// epoch's output at the sink is aborted).
    /// Completes when a record already being written is durable and published, so the caller then sees the last
    /// complete checkpoint in the store and no later one appears.
    /// </summary>
    public async Task CloseAsync(Exception? cause = null)
    {
        Task committing;
        Task recording;
        lock (_gate)
        {
            _closeCause ??= cause; // a retried failover keeps the failure it started from
            _closed = true;
            committing = _committing;
            recording = _recordingFailures;
        }

        // A checkpoint waiting for its key groups or its epoch is aborted now, not after the checkpoint timeout (its
        // requester would wait that long); one asked for but not started yet never will be in this run.
        await _closing.CancelAsync().ConfigureAwait(false);
        Interlocked.Exchange(ref _requested, null)?.TrySetException(FailingOver(_lastId + 1));
        Volatile.Read(ref _final)?.TrySetException(FailingOver(_lastId + 1));

        try
        {
            await committing.ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Its failure is counted and logged where it happened.
        }

        await recording.ConfigureAwait(false); // RecordAsync logs its own failures and never throws
    }

    /// <summary>Asks for a checkpoint at the next batch boundary; completes with its record or fails.</summary>
    public Task<CheckpointRecord> RequestAsync()
    {
        var request = new TaskCompletionSource<CheckpointRecord>(TaskCreationOptions.RunContinuationsAsynchronously);
        var pending = Interlocked.CompareExchange(ref _requested, request, null) ?? request;
        if (Volatile.Read(ref _closed))
        {
            // This run is being abandoned (failover): no checkpoint of it starts any more.
            Interlocked.CompareExchange(ref _requested, null, pending);
            pending.TrySetException(FailingOver(_lastId + 1));
        }

        return pending.Task;
    }

    /// <summary>
    /// Write-ahead sink: the epoch's records for checkpoint n, stored in its record (null: no such sink). The token is
    /// cancelled when this run closes (failover): a checkpoint waiting for its epoch then fails at once.
    /// </summary>
    public Func<long, CancellationToken, Task<IReadOnlyDictionary<string, string>>>? SinkPreCommit { get; set; }

    /// <summary>Write-ahead sink: publish the epoch of a complete checkpoint.</summary>
    public Func<CheckpointRecord, Task>? SinkCommit { get; set; }

    /// <summary>Write-ahead sink: checkpoint n failed; its epoch joins the next one.</summary>
    public Action<long>? SinkAbort { get; set; }

    /// <summary>
    /// Called by the dispatcher on the stream thread between batches; starts a checkpoint when one is due and
    /// returns its id (0 when none started). <paramref name="watermark"/> is the job's watermark behind everything
    /// dispatched so far; the checkpoint record keeps it for a restored run to start from. <paramref name="namesAssigned"/>:
    /// every source partition the sources announced has a position in <paramref name="offsets"/>
    /// (<see cref="CheckpointRecord.NamesAssignedPartitions"/>).
    /// </summary>
    public long MaybeStart(IReadOnlyDictionary<string, long> offsets, IReadOnlyCollection<int> keyGroups, long watermark, bool namesAssigned = false)
    {
        if (Volatile.Read(ref _closed))
        {
            return 0;
        }

        var requested = Volatile.Read(ref _requested);
        var due = options.CheckpointInterval is { } interval && _sinceLast.Elapsed >= interval;
        if ((!due && requested is null) || _final is not null || !IdsAboveStoredOnes() || Interlocked.CompareExchange(ref _inFlight, 1, 0) != 0)
        {
            return 0;
        }

        if (requested is not null)
        {
            Interlocked.CompareExchange(ref _requested, null, requested);
        }

        return Start(offsets, keyGroups, watermark, requested, null, namesAssigned);
    }

    /// <summary>
    /// The final checkpoint of a bounded run (its input ended; the dispatcher calls this once, behind the last batch):
    /// starts as soon as no other checkpoint is in flight and returns its id, or 0 when the run is closing. Its barrier
    /// carries the exactly-once sinks' last epoch; <see cref="Final"/> completes once it is durable and published.
    /// </summary>
    public async Task<long> StartFinalAsync(IReadOnlyDictionary<string, long> offsets, IReadOnlyCollection<int> keyGroups, long watermark, bool namesAssigned = false)
    {
        var final = new TaskCompletionSource<CheckpointRecord>(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.CompareExchange(ref _final, final, null);
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (Volatile.Read(ref _closed))
            {
                final.TrySetException(FailingOver(_lastId + 1));
                return 0;
            }

            if (IdsAboveStoredOnes() && Interlocked.CompareExchange(ref _inFlight, 1, 0) == 0)
            {
                break;
            }

            if (waited.Elapsed > options.CheckpointTimeout)
            {
                final.TrySetException(new CheckpointFailedException(jobName, _lastId + 1, new TimeoutException($"the final checkpoint could not start within {options.CheckpointTimeout}")));
                return 0;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(5)).ConfigureAwait(false);
        }

        return Start(offsets, keyGroups, watermark, null, final, namesAssigned);
    }

    /// <summary>The final checkpoint of a bounded run, once one was started: completes when it is durable and its epoch published.</summary>
    public Task<CheckpointRecord>? Final => Volatile.Read(ref _final)?.Task;

    private long Start(IReadOnlyDictionary<string, long> offsets, IReadOnlyCollection<int> keyGroups, long watermark, TaskCompletionSource<CheckpointRecord>? requested, TaskCompletionSource<CheckpointRecord>? final, bool namesAssigned)
    {
        _sinceLast.Restart();
        var id = ++_lastId;
        var frozen = offsets.ToImmutableDictionary(StringComparer.Ordinal);
        var barriers = Barriers;
        var acks = keyGroups.Select(kg => barriers is null
            ? region.Ask<KeyGroupCheckpointed>(new TriggerCheckpoint(jobName, kg, id), options.CheckpointTimeout)
            : barriers(new TriggerCheckpoint(jobName, kg, id))).ToList();
        TaskCompletionSource? joined = null;
        if (LaterHops > 0)
        {
            joined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                _joins[id] = new HopJoin(acks, LaterHops, joined);
            }
        }

        _ = CompleteAsync(id, frozen, watermark, acks, requested, joined?.Task, final, namesAssigned);
        return id;
    }

    /// <summary>
    /// A later hop passed checkpoint <paramref name="id"/>'s barrier on to its key groups (behind the records before
    /// it): their acknowledgements join the checkpoint's. Ignored for a checkpoint already aborted.
    /// </summary>
    public void Join(long id, IEnumerable<Task<KeyGroupCheckpointed>> acks)
    {
        lock (_gate)
        {
            if (!_joins.TryGetValue(id, out var join))
            {
                return;
            }

            join.Acks.AddRange(acks);
            if (--join.Left == 0)
            {
                _joins.Remove(id);
                join.Done.TrySetResult();
            }
        }
    }

    /// <summary>Whether the highest stored checkpoint id is known (and <c>_lastId</c> at least that); starts reading it if not.</summary>
    private bool IdsAboveStoredOnes()
    {
        if (_highestStoredId is { IsFaulted: true } && _sinceIdsRead.Elapsed >= TimeSpan.FromSeconds(1))
        {
            _ = _highestStoredId.Exception; // observed (and logged) already
            _highestStoredId = null; // the store failed: try again, at most once a second
        }

        if (_highestStoredId is null)
        {
            _sinceIdsRead.Restart();
            _highestStoredId = HighestStoredIdAsync();
        }

        if (!_highestStoredId.IsCompletedSuccessfully)
        {
            return false;
        }

        _lastId = Math.Max(_lastId, _highestStoredId.Result);
        return true;
    }

    private async Task<long> HighestStoredIdAsync()
    {
        try
        {
            var ids = await store.ListIdsAsync(jobName).ConfigureAwait(false);
            return ids.Count == 0 ? 0 : ids.Max();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            log.Warning("Job {0}: cannot list the stored checkpoints (no checkpoint starts until it can): {1}", jobName, e.Message);
            throw;
        }
    }

    private async Task CompleteAsync(long id, ImmutableDictionary<string, long> offsets, long watermark, List<Task<KeyGroupCheckpointed>> acks, TaskCompletionSource<CheckpointRecord>? requested, Task? joined, TaskCompletionSource<CheckpointRecord>? final, bool namesAssigned)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            if (joined is not null)
            {
                try
                {
                    await joined.WaitAsync(options.CheckpointTimeout, _closing.Token).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    throw new TimeoutException($"the barrier did not pass every hop of the job within {options.CheckpointTimeout}");
                }
            }

            var results = await Task.WhenAll(acks).WaitAsync(_closing.Token).ConfigureAwait(false);
            if (results.FirstOrDefault(r => r.Error is not null) is { } failed)
            {
                throw new InvalidOperationException($"key group {failed.KeyGroup} could not save its snapshot: {failed.Error}");
            }

            var sinkState = SinkPreCommit is null ? ImmutableDictionary<string, string>.Empty : (await SinkPreCommit(id, _closing.Token).ConfigureAwait(false)).ToImmutableDictionary();
            if (KeyGroupCount is { } keyGroups)
            {
                sinkState = sinkState.SetItem(KeyGroupCountKey, keyGroups.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            var record = new CheckpointRecord(
                jobName,
                id,
                options.Clock.GetUtcNow().ToUnixTimeMilliseconds(),
                [.. offsets.Select(o => SourcePartitionIds.ToStored(o.Key, o.Value))],
                sinkState,
                [.. results.Select(r => new KeyGroupSnapshotInfo(r.KeyGroup, r.SnapshotSequenceNr, r.StateSizeBytes)).OrderBy(k => k.KeyGroup)],
                Watermark: watermark)
            {
                DurationMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                // Every announced partition had a position (its start, SourcePositions.StartingAt, or a record), and every
                // restored one is carried: a partition the record does not name is new to the job.
                NamesAssignedPartitions = namesAssigned,
            };
            Task commit;
            lock (_gate)
            {
                if (_closed)
                {
                    throw FailingOver(id).InnerException!;
                }

                _committing = commit = CommitAsync(record, started, requested, final);
            }

            await commit.ConfigureAwait(false);
        }
        catch (Exception caught) when (caught is not OutOfMemoryException)
        {
            // Aborted by the run's close: the checkpoint failed because the job is failing over, and says why.
            // (A barrier held for a key group fails with AskTimeoutException when the run ends: the same cause.)
            var e = (caught is OperationCanceledException or AskTimeoutException) && Volatile.Read(ref _closed) ? FailingOver(id).InnerException! : caught;
            Failed++;
            SinkAbort?.Invoke(id);
            CheckpointMetrics.Failed(jobName);
            log.Warning("Job {0}: checkpoint {1} failed and was aborted; checkpoint {2} stays the recovery point: {3}", jobName, id, LastCompletedId, e.Message);
            requested?.TrySetException(new CheckpointFailedException(jobName, id, e));
            final?.TrySetException(new CheckpointFailedException(jobName, id, e));
            lock (_gate)
            {
                if (!_closed)
                {
                    // Periodic checkpoints only, as Flink counts: a requested one (a savepoint, CheckpointAsync) or
                    // the final one fails its caller instead.
                    if (requested is null && final is null && options.TolerableCheckpointFailures is { } tolerable && ++_failedInARow > tolerable)
                    {
                        _intolerable.TrySetException(new CheckpointFailedException(
                            jobName,
                            id,
                            new InvalidOperationException($"{_failedInARow} checkpoints failed in a row, more than TolerableCheckpointFailures ({tolerable}) allows: the job fails over. Last failure: {e.Message}", e)));
                    }

                    // For `actorflow status`; a failover's aborted checkpoint is not one (the job's failure is recorded).
                    var failure = new JobFailure(jobName, JobFailureKind.Checkpoint, options.Clock.GetUtcNow().ToUnixTimeMilliseconds(), id, JobFailures.Describe(e));
                    // One after the other, so the store keeps the latest; started off the gate.
                    _recordingFailures = _recordingFailures
                        .ContinueWith(_ => JobFailures.RecordAsync(store, failure, log), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default)
                        .Unwrap();
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                _joins.Remove(id);
            }

            Volatile.Write(ref _inFlight, 0);
        }
    }

    private CheckpointFailedException FailingOver(long id) =>
        new(jobName, id, Volatile.Read(ref _closeCause) is { } cause
            ? new InvalidOperationException($"the job is failing over to its last complete checkpoint ({cause.GetType().Name}: {cause.Message})", cause)
            : new InvalidOperationException("the job is failing over to its last complete checkpoint"));

    private async Task CommitAsync(CheckpointRecord record, long started, TaskCompletionSource<CheckpointRecord>? requested, TaskCompletionSource<CheckpointRecord>? final)
    {
        await store.SaveAsync(record).ConfigureAwait(false);
        LastCompletedId = record.CheckpointId;
        lock (_gate)
        {
            _failedInARow = 0;
        }

        onCompleted(record);
        CheckpointCompleted?.Invoke(record);
        CheckpointMetrics.Completed(jobName, Stopwatch.GetElapsedTime(started), record.TotalStateSizeBytes);
        requested?.TrySetResult(record);
        var published = await PublishAsync(record).ConfigureAwait(false);
        await AfterCompletionAsync(record, commitOffsets: published is null).ConfigureAwait(false);
        if (final is not null)
        {
            // A bounded run ends only with its output published; otherwise it fails, and the next run publishes this epoch.
            if (published is null)
            {
                final.TrySetResult(record);
            }
            else
            {
                final.TrySetException(new CheckpointFailedException(jobName, record.CheckpointId, published));
            }
        }
    }

    /// <summary>Publishes the epoch of a complete checkpoint; returns the failure (logged; the next checkpoint retries), or null.</summary>
    private async Task<Exception?> PublishAsync(CheckpointRecord record)
    {
        try
        {
            if (SinkCommit is not null)
            {
                await SinkCommit(record).ConfigureAwait(false);
            }

            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The epoch is in the durable record; the next checkpoint publishes it first (and fails until it can).
            log.Warning("Job {0}: publishing the output of checkpoint {1} failed; it is retried before the next checkpoint: {2}", jobName, record.CheckpointId, e.Message);
            return e;
        }
    }

    /// <summary>
    /// Commits the checkpoint's offsets to the consumer group (progress for lag monitoring) unless its output could not be
    /// published (<paramref name="commitOffsets"/> false: the group's lag then shows the records whose output is not out
    /// yet, as it does while checkpoints fail), and prunes old checkpoints and snapshots.
    /// </summary>
    private async Task AfterCompletionAsync(CheckpointRecord record, bool commitOffsets)
    {
        try
        {
            if (commitOffsets)
            {
                await source.CommitAsync(SourcePartitionIds.ToNextOffsets(record.Offsets)).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Committing progress to the consumer group can wait for the next checkpoint; pruning goes on.
            log.Warning("Job {0}: committing the source offsets of checkpoint {1}: {2}", jobName, record.CheckpointId, e.Message);
        }

        try
        {
            await store.PruneAsync(jobName, options.RetainedCheckpoints).ConfigureAwait(false);
            // Deleting snapshots is one write per key group: do it every RetainedCheckpoints checkpoints, so a key group
            // keeps at most twice that many snapshots (plus those of savepoints).
            if (++_completedSincePrune < options.RetainedCheckpoints)
            {
                return;
            }

            _completedSincePrune = 0;
            // Savepoints (and a checkpoint that restores a savepoint's state) name older snapshots: keep every one still named.
            foreach (var kg in Savepoints.OldestSnapshotsKept(await store.ListAsync(jobName).ConfigureAwait(false)))
            {
                if (PruneSnapshots is { } prune)
                {
                    prune(kg.KeyGroup, kg.SnapshotSequenceNr);
                }
                else
                {
                    region.Tell(new Internal.PruneSnapshots(jobName, kg.KeyGroup, kg.SnapshotSequenceNr));
                }
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The checkpoint is complete and durable; pruning can wait for the next one.
            log.Warning("Job {0}: after checkpoint {1}: {2}", jobName, record.CheckpointId, e.Message);
        }
    }

    /// <summary>A checkpoint's acknowledgements so far, and how many later hops have yet to pass its barrier on.</summary>
    private sealed class HopJoin(List<Task<KeyGroupCheckpointed>> acks, int left, TaskCompletionSource done)
    {
        public List<Task<KeyGroupCheckpointed>> Acks => acks;

        public int Left { get; set; } = left;

        public TaskCompletionSource Done => done;
    }
}

using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Sql;
using Akka.Persistence.Sql.Config;
using Akka.Persistence.Sql.Db;
using Akka.Persistence.Sql.Extensions;
using Akka.Persistence.Sql.Snapshot;
using AkkaConfig = Akka.Configuration.Config;

namespace ActorFlow.Persistence.Snapshots;

/// <summary>
/// INTERNAL API. Akka.Persistence.Sql's snapshot store with group commit: saves that arrive while a write is in flight are written
/// together, in one transaction. Everything else (loads, deletes, tables, row format, serialization,
/// connection settings) is <see cref="SqlSnapshotStore"/>'s own. A checkpoint makes every key group of a node save
/// its snapshot at the same moment (128 by default); one transaction each cost about a tenth of the job's throughput
/// with checkpoints every second (docs/benchmarks.md); batching them shortened checkpoints (measured) but did not
/// measurably lower that CPU cost, which is mostly per row. Each save still gets its own outcome: when a batch fails, its
/// rows are written again one transaction each, so one bad snapshot does not fail the others. Batches hold at most
/// <c>group-commit.max-batch-bytes</c> of state (4 MB); <c>group-commit.writers</c> write at once (1 on SQLite,
/// whose single write lock makes more pointless; 4 on a server database).
/// Configured as <c>akka.persistence.snapshot-store.sql.class</c> in ActorFlow's reference.conf.
/// </summary>
internal sealed class GroupCommitSnapshotStore : SqlSnapshotStore
{
    private readonly object _gate = new();
    private readonly SnapshotConfig _settings;
    private readonly AkkaPersistenceDataConnectionFactory _connections;
    private readonly ByteArrayLongSnapshotSerializer _longRows;
    private readonly ByteArrayDateTimeSnapshotSerializer _dateTimeRows;
    private readonly ILoggingAdapter _log;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Queue<Pending> _queue = new();
    private readonly int _maxWriters;
    private readonly long _maxBatchBytes;
    private readonly bool _asBase;
    private int _writers;

    /// <summary>Creates the store from its plugin config (as Akka.Persistence does).</summary>
    /// <param name="snapshotConfig">The plugin's config section.</param>
    public GroupCommitSnapshotStore(AkkaConfig snapshotConfig)
        : base(snapshotConfig)
    {
        // The same settings as the base class: the plugin config over Akka.Persistence.Sql's defaults, then the
        // actor system's data options (e.g. ActorFlow's PRAGMA synchronous=NORMAL for SQLite), if any.
        var settings = new SnapshotConfig(snapshotConfig.WithFallback(SqlPersistence.DefaultSnapshotConfiguration));
        var setup = Context.System.Settings.Setup;
        // DataOptionsSetup does not show its options, so ActorFlow's setup carries the same ones. A DataOptionsSetup
        // without them (made elsewhere, e.g. by Akka.Hosting) would send saves to other settings than loads: then
        // every save goes through the base class, one transaction each.
        var single = setup.Get<GroupCommitDataOptions>();
        _asBase = setup.Get<DataOptionsSetup>().HasValue && !single.HasValue;
        if (single.HasValue)
        {
            settings = settings.WithDataOptions(single.Value.Options);
        }

        var multi = setup.Get<MultiDataOptionsSetup>();
        if (settings.PluginId is not null && multi.HasValue && multi.Value.TryGetDataOptionsFor(settings.PluginId, out var perPlugin) && perPlugin is not null)
        {
            settings = settings.WithDataOptions(perPlugin);
        }

        _settings = settings;
        _connections = new AkkaPersistenceDataConnectionFactory(settings);
        _longRows = new ByteArrayLongSnapshotSerializer(Context.System.Serialization, settings);
        _dateTimeRows = new ByteArrayDateTimeSnapshotSerializer(Context.System.Serialization, settings);
        _log = Context.GetLogger();
        // SQLite has one write lock, so more writers would only queue on it; a server database takes several at once
        // (one writer made a 105 MB checkpoint on PostgreSQL take 3.6 s, four 2.7 s, as Akka.Persistence.Sql's own store).
        _maxWriters = snapshotConfig.GetInt("group-commit.writers", 0) is > 0 and var w
            ? w
            : (settings.ProviderName ?? "").Contains("SQLite", StringComparison.OrdinalIgnoreCase) ? 1 : 4;
        _maxBatchBytes = snapshotConfig.GetByteSize("group-commit.max-batch-bytes", null) ?? (4L * 1024 * 1024);
    }

    /// <inheritdoc />
    protected override Task SaveAsync(SnapshotMetadata metadata, object snapshot, CancellationToken cancellationToken = default)
    {
        if (_asBase)
        {
            return base.SaveAsync(metadata, snapshot, cancellationToken);
        }

        var pending = new Pending(metadata, snapshot, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (cancellationToken.CanBeCanceled)
        {
            // Cancelled (the call timed out) while still queued: it is never written, so "failed" stays true. Once
            // its transaction has begun, it reports how that ended.
            cancellationToken.Register(() =>
            {
                if (pending.TryClaim(Pending.Cancelled))
                {
                    pending.Done.TrySetCanceled(cancellationToken);
                }
            });
        }

        bool start;
        lock (_gate)
        {
            _queue.Enqueue(pending);
            start = _writers < _maxWriters;
            if (start)
            {
                _writers++;
            }
        }

        if (start)
        {
            _ = Task.Run(WriteAllAsync);
        }

        return pending.Done.Task;
    }

    /// <summary>
    /// Akka deletes a snapshot whose save failed, and logs an error with its stack when that fails too: with the database
    /// away, one per key group per failed checkpoint (128 a checkpoint), burying the checkpoint's own failure line. The
    /// save's failure is reported (the checkpoint fails, naming it); this delete's failure is logged at debug level.
    /// (ActorFlow deletes snapshots by criteria only, so no other single-snapshot delete passes here.)
    /// </summary>
    protected override async Task DeleteAsync(SnapshotMetadata metadata, CancellationToken cancellationToken = default)
    {
        try
        {
            await base.DeleteAsync(metadata, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _log.Debug("Deleting snapshot {0} of {1} failed: {2}", metadata.SequenceNr, metadata.PersistenceId, e.Message);
        }
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        _stopping.Cancel();
        base.PostStop();
    }

    private async Task WriteAllAsync()
    {
        while (true)
        {
            var batch = new List<Pending>();
            lock (_gate)
            {
                // The oldest saves first, up to max-batch-bytes (at least one): a 100 MB checkpoint still spreads
                // over the writers instead of going as one transaction.
                long bytes = 0;
                while (_queue.Count > 0 && (batch.Count == 0 || bytes + SizeOf(_queue.Peek()) <= _maxBatchBytes))
                {
                    var next = _queue.Dequeue();
                    if (next.TryClaim(Pending.Writing))
                    {
                        bytes += SizeOf(next);
                        batch.Add(next);
                    }
                }

                if (batch.Count == 0)
                {
                    _writers--;
                    return;
                }
            }

            try
            {
                await WriteAsync(batch).ConfigureAwait(false);
                foreach (var p in batch)
                {
                    p.Done.TrySetResult();
                }
            }
            catch (Exception e) when (batch.Count > 1)
            {
                _log.Warning("Writing {0} snapshots in one transaction failed ({1}); writing them one by one", batch.Count, e.Message);
                foreach (var p in batch)
                {
                    try
                    {
                        await WriteAsync([p]).ConfigureAwait(false);
                        p.Done.TrySetResult();
                    }
                    catch (Exception one)
                    {
                        p.Done.TrySetException(one);
                    }
                }
            }
            catch (Exception e)
            {
                batch[0].Done.TrySetException(e);
            }
        }
    }

    private static long SizeOf(Pending pending) => pending.Snapshot is KeyGroupSnapshot s ? s.State.LongLength : 0;

    private Task WriteAsync(List<Pending> batch) =>
        _connections.ExecuteWithTransactionAsync(_settings.WriteIsolationLevel, _stopping.Token, async (connection, token) =>
        {
            foreach (var p in batch)
            {
                _ = connection.UseDateTime
                    ? await connection.InsertOrReplaceAsync(_dateTimeRows.Serialize(p.Metadata, p.Snapshot).Get(), token).ConfigureAwait(false)
                    : await connection.InsertOrReplaceAsync(_longRows.Serialize(p.Metadata, p.Snapshot).Get(), token).ConfigureAwait(false);
            }
        });

    private sealed class Pending(SnapshotMetadata metadata, object snapshot, TaskCompletionSource done)
    {
        public const int Writing = 1;
        public const int Cancelled = 2;
        private int _state;

        public SnapshotMetadata Metadata { get; } = metadata;

        public object Snapshot { get; } = snapshot;

        public TaskCompletionSource Done { get; } = done;

        /// <summary>Moves a queued save to <paramref name="state"/>; false when it was taken for writing or cancelled before.</summary>
        public bool TryClaim(int state) => Interlocked.CompareExchange(ref _state, state, 0) == 0;
    }
}

/// <summary>
/// INTERNAL API. The linq2db options <see cref="GroupCommitSnapshotStore"/> writes with: the same as the actor system's
/// <see cref="DataOptionsSetup"/> (which does not expose them). Added by <c>StateStoreSettings.ToActorSystemSetup</c>.
/// </summary>
/// <param name="options">The options.</param>
internal sealed class GroupCommitDataOptions(LinqToDB.DataOptions options) : Akka.Actor.Setup.Setup
{
    /// <summary>The options.</summary>
    public LinqToDB.DataOptions Options { get; } = options;
}

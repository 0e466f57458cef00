using ActorFlow.Persistence.Checkpoints;
using ActorFlow.Topology.Connectors;
using Akka;
using Akka.Streams.Dsl;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. Exactly-once output through a write-ahead log kept in the checkpoint records: the stream side
/// collects an epoch's encoded records until the barrier, the coordinator stores them in the checkpoint record
/// (atomic with the checkpoint), and once the checkpoint is complete they are published. At most the latest
/// complete checkpoint's epoch can be unpublished: a checkpoint does not complete while an older epoch is.
/// One instance serves one run; <see cref="CloseAsync"/> ends it and releases the target's clients. A job with several
/// exactly-once sinks has one per sink, each keeping its epoch under its own key of the checkpoint record
/// (<see cref="EpochKey"/> for the job's first, as before job graphs; <c>actorflow.epoch.N</c> for the N-th sink).
/// Beside it, under the same key with <c>.writer</c> appended, the sink's writer id (see
/// <see cref="ICheckpointedSink{T}.PublishAsync(long, IReadOnlyList{byte[]}, string, CancellationToken)"/>): chosen new by a
/// run that restores nothing (or a record without one, taken by an older build), taken over from the restored record
/// otherwise, so epochs of one lineage of checkpoints are published under one id.
/// </summary>
internal sealed class WriteAheadSink(IWriteAheadTarget target, TimeSpan timeout, int sink = 0, string epochKey = WriteAheadSink.EpochKey)
{
    public const string EpochKey = "actorflow.epoch";
    private readonly EpochHandoff _handoff = new();
    private readonly object _lock = new();
    private readonly Dictionary<long, IReadOnlyList<byte[]>> _taken = [];
    private readonly string _writerKey = epochKey + ".writer";
    private (long Epoch, IReadOnlyList<byte[]> Records)? _unpublished;
    private string _writer = Guid.NewGuid().ToString("N");
    private Task _publishing = Task.CompletedTask;
    private bool _closed;

    /// <summary>
    /// The main output sink: collects records, hands an epoch over at each barrier. When it ends (the run's stream
    /// completed or failed) a checkpoint still waiting for its epoch fails at once: its barrier cannot come any more.
    /// </summary>
    public Sink<IReadOnlyList<Emitted>, Task<Done>> Sink()
    {
        var buffer = new List<byte[]>();
        return Akka.Streams.Dsl.Sink.ForEach<IReadOnlyList<Emitted>>(batch =>
        {
            foreach (var e in batch)
            {
                switch (e.Kind)
                {
                    case EmittedKind.Sink when e.Output == sink:
                        buffer.Add(target.Encode(e.Value, e.Timestamp));
                        break;
                    case EmittedKind.Barrier:
                        _handoff.Provide((long)e.Value!, buffer);
                        buffer = [];
                        break;
                }
            }
        }).MapMaterializedValue(done =>
        {
            done.ContinueWith(_ => _handoff.End(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return done;
        });
    }

    /// <summary>This run's writer id (see the class summary).</summary>
    public string Writer => Volatile.Read(ref _writer);

    /// <summary>
    /// Continues the writer of <paramref name="record"/> (when it names one) and publishes the epoch stored in it
    /// (recovery: it may be partly published). Called before the run's first checkpoint.
    /// </summary>
    public Task RecoverAsync(CheckpointRecord record)
    {
        if (record.SinkTransactionIds.TryGetValue(_writerKey, out var writer) && !string.IsNullOrEmpty(writer))
        {
            Volatile.Write(ref _writer, writer);
        }
        else if (record.SinkTransactionIds.ContainsKey(epochKey))
        {
            // A record of an older build names no writer: every run that restores it takes the same one, so a second
            // recovery after an interrupted one recognizes what the first published (a new id per run wrote it again).
            Volatile.Write(ref _writer, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{epochKey}@{record.CheckpointId}"));
        }

        // The epoch is the checkpoint whose barrier ended it: a savepoint's start record (a new id) holds that
        // checkpoint's epoch, published (or skipped, when its writer published it already) under that checkpoint's number.
        return record.SinkTransactionIds.TryGetValue(epochKey, out var packed)
            ? PublishAsync(record.StateCheckpointId ?? record.CheckpointId, EpochHandoff.Unpack(packed))
            : Task.CompletedTask;
    }

    /// <summary>
    /// The run is over: no epoch is published by it any more (a checkpoint not yet stored is aborted; one stored
    /// but not yet published is published by the next run's <see cref="RecoverAsync"/>, as after a crash). Waits for
    /// a publish in progress, then closes the target (its producer).
    /// </summary>
    public async Task CloseAsync()
    {
        Task publishing;
        lock (_lock)
        {
            _closed = true;
            publishing = _publishing;
        }

        try
        {
            await publishing.ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Reported where it happened; the epoch is in its checkpoint record.
        }

        await target.CloseAsync().ConfigureAwait(false);
    }

    /// <summary>The epoch key of the job's <paramref name="index"/>-th exactly-once sink (0-based) in the checkpoint record.</summary>
    public static string EpochKeyOf(int index) => index == 0 ? EpochKey : EpochKey + "." + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The coordinator stores every sink's epoch in each checkpoint record and has each publish its own.</summary>
    public static void Attach(CheckpointCoordinator coordinator, IReadOnlyList<WriteAheadSink> sinks)
    {
        coordinator.SinkPreCommit = async (id, cancellationToken) =>
        {
            var state = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var sink in sinks)
            {
                foreach (var (key, value) in await sink.PreCommitAsync(id, cancellationToken).ConfigureAwait(false))
                {
                    state[key] = value;
                }
            }

            return state;
        };
        // Every sink takes its epoch over, also after another failed to publish its own.
        coordinator.SinkCommit = record => SinkCommits.AllAsync(sinks.Select(sink => (Func<Task>)(() => sink.CommitAsync(record))));
        coordinator.SinkAbort = id =>
        {
            foreach (var sink in sinks)
            {
                sink.Abort(id);
            }
        };
    }

    private async Task<IReadOnlyDictionary<string, string>> PreCommitAsync(long checkpointId, CancellationToken cancellationToken)
    {
        (long Epoch, IReadOnlyList<byte[]> Records)? unpublished;
        lock (_lock)
        {
            unpublished = _unpublished;
        }

        if (unpublished is { } older)
        {
            // An older epoch is only in its own record: publish it before a newer record can replace it as latest.
            await PublishAsync(older.Epoch, older.Records).ConfigureAwait(false);
            lock (_lock)
            {
                _unpublished = null;
            }
        }

        var records = await _handoff.TakeAsync(checkpointId, timeout, cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            ThrowIfClosed();
            _taken[checkpointId] = records;
        }

        return new Dictionary<string, string> { [epochKey] = EpochHandoff.Pack(records), [_writerKey] = Writer };
    }

    private async Task CommitAsync(CheckpointRecord record)
    {
        IReadOnlyList<byte[]>? records;
        lock (_lock)
        {
            _taken.Remove(record.CheckpointId, out records);
            _unpublished = records is null ? null : (record.CheckpointId, records);
            if (_closed)
            {
                return; // the record is the latest complete checkpoint: the next run publishes its epoch first
            }
        }

        if (records is not null)
        {
            await PublishAsync(record.CheckpointId, records).ConfigureAwait(false);
            lock (_lock)
            {
                _unpublished = null;
            }
        }
    }

    private Task PublishAsync(long epoch, IReadOnlyList<byte[]> records)
    {
        lock (_lock)
        {
            ThrowIfClosed();
            return _publishing = target.PublishAsync(epoch, records, Writer, CancellationToken.None);
        }
    }

    private void ThrowIfClosed()
    {
        if (_closed)
        {
            throw new InvalidOperationException("this run of the job has ended: its output is published by the next run");
        }
    }

    private void Abort(long checkpointId)
    {
        IReadOnlyList<byte[]>? records;
        lock (_lock)
        {
            _taken.Remove(checkpointId, out records);
        }

        _handoff.Return(checkpointId, records);
    }
}

namespace ActorFlow.Topology.Connectors;

/// <summary>
/// A sink whose output is exactly once (a write-ahead sink). The runtime collects the records emitted between two
/// checkpoints (an epoch), stores them, encoded, in the checkpoint record — atomically with the checkpoint — and
/// hands them to <see cref="PublishAsync(long, IReadOnlyList{byte[]}, CancellationToken)"/> once the checkpoint is complete. After a crash the latest checkpoint's
/// epoch is published again, so <see cref="PublishAsync(long, IReadOnlyList{byte[]}, CancellationToken)"/> must skip what the destination already holds.
/// Output is delayed by one checkpoint interval.
/// </summary>
public interface ICheckpointedSink<T> : ISinkConnector<T>
{
    /// <summary>The record's durable form, kept in the checkpoint record until published.</summary>
    byte[] Encode(T value);

    /// <summary>
    /// The record's durable form with its event timestamp (epoch milliseconds, or <c>Timestamps.NoTimestamp</c> when it
    /// has none: a window's result carries the window's last millisecond, a record the timestamp of the record it came
    /// from), for a destination that keeps timestamps (the exactly-once Kafka sink writes it as the record's
    /// timestamp, as Flink's KafkaSink does). The runtime calls this one; the default ignores the timestamp and calls
    /// <see cref="Encode(T)"/>.
    /// </summary>
    byte[] Encode(T value, long timestamp) => Encode(value);

    /// <summary>
    /// Writes epoch <paramref name="epoch"/>'s records, in order, idempotently: records already at the destination
    /// (from an earlier, interrupted attempt) are skipped. Completes when all are durable at the destination.
    /// </summary>
    Task PublishAsync(long epoch, IReadOnlyList<byte[]> records, CancellationToken cancellationToken);

    /// <summary>
    /// Writes epoch <paramref name="epoch"/>'s records as <see cref="PublishAsync(long, IReadOnlyList{byte[]}, CancellationToken)"/>
    /// does, for <paramref name="writer"/>: an id the runtime chooses when a job starts without a checkpoint to restore
    /// (or from one taken before writer ids were kept, or from a savepoint older than the job's newest checkpoint) and keeps in
    /// every checkpoint record, so a run restored from a checkpoint publishes with the id of the run that stored it.
    /// Epochs are checkpoint ids, ordered only within one writer: a job started under another name or with an empty
    /// checkpoint store counts from 1 again. So what the destination holds counts as already published only when the same
    /// writer wrote it. The runtime calls this one; the default ignores <paramref name="writer"/>.
    /// </summary>
    Task PublishAsync(long epoch, IReadOnlyList<byte[]> records, string writer, CancellationToken cancellationToken) =>
        PublishAsync(epoch, records, cancellationToken);

    /// <summary>
    /// Called when a run of the job ends (it stopped, failed, or fails over), after its last
    /// <see cref="PublishAsync(long, IReadOnlyList{byte[]}, CancellationToken)"/> returned: release what publishing opened (clients, connections). A later run (a
    /// failover, or the job started again) calls <see cref="PublishAsync(long, IReadOnlyList{byte[]}, CancellationToken)"/> again, which must open them again. The
    /// default does nothing.
    /// </summary>
    Task CloseAsync() => Task.CompletedTask;
}

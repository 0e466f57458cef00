namespace ActorFlow.Kafka.Consumer;

/// <summary>
/// Controls a running consumer stage (its materialised value). <see cref="StopAsync"/> stops emitting and completes
/// the stream but keeps the Kafka consumer so that in-flight offsets can still be committed;
/// <see cref="ShutdownAsync"/> also closes the consumer; <see cref="DrainAndShutdownAsync{T}"/> does both in the
/// safe order for at-least-once and exactly-once pipelines.
/// </summary>
public interface IControl
{
    /// <summary>Completes when the Kafka consumer is closed (after shutdown, stream failure or cancellation).</summary>
    Task IsShutdown { get; }

    /// <summary>
    /// Commits <paramref name="nextOffsets"/> (the next offset to read per partition) to the consumer group, for the
    /// partitions this consumer owns now; a partition's committed offset never moves backwards. Used when offsets are
    /// tracked outside the stream (e.g. in checkpoints) rather than through committable messages.
    /// </summary>
    Task CommitAsync(IReadOnlyList<Confluent.Kafka.TopicPartitionOffset> nextOffsets);

    /// <summary>Stops fetching new records and completes the source after what it already took; the consumer stays open for commits.</summary>
    Task StopAsync();

    /// <summary>Stops the source and closes the consumer (leaving the group).</summary>
    Task ShutdownAsync();

    /// <summary>
    /// Stops the source, waits until <paramref name="streamCompletion"/> completes (so every emitted record is
    /// processed and its offset committed), then closes the consumer and returns the stream's result.
    /// </summary>
    Task<T> DrainAndShutdownAsync<T>(Task<T> streamCompletion);
}

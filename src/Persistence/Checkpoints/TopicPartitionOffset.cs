namespace ActorFlow.Persistence.Checkpoints;

/// <summary>The next offset to read from a Kafka topic-partition, as recorded in a checkpoint.</summary>
/// <param name="Topic">The topic name.</param>
/// <param name="Partition">The partition number (0-based).</param>
/// <param name="Offset">The offset of the next record to read after restoring (Kafka's committed-offset meaning).</param>
public sealed record TopicPartitionOffset(string Topic, int Partition, long Offset);

namespace ActorFlow.TestKit;

/// <summary>A record read back from a topic, with where it was and its Kafka timestamp.</summary>
/// <typeparam name="T">The record type.</typeparam>
/// <param name="Value">The decoded record; for a tombstone (a null value) the type's default, not decoded.</param>
/// <param name="Partition">Its partition.</param>
/// <param name="Offset">Its offset in the partition.</param>
/// <param name="Timestamp">Its Kafka timestamp (epoch ms).</param>
/// <param name="Key">Its raw key bytes, or null.</param>
public sealed record TopicRecord<T>(T Value, int Partition, long Offset, long Timestamp, byte[]? Key)
{
    /// <summary>Gets a value indicating whether the record is a tombstone: its value is null (a deletion in a compacted topic).</summary>
    public bool IsTombstone { get; init; }
}

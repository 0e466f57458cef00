using Confluent.Kafka;

namespace ActorFlow.Kafka.Producer.Internal;

/// <summary>
/// INTERNAL API. The <see cref="TopicPartition"/> a producer stage hands to <c>Produce</c>, made once per partition of
/// the topic written last instead of once per record (Confluent keeps only the topic name and partition number from it,
/// and the type is immutable). A stage writing several topics in turn makes a new one whenever the topic changes.
/// Stage thread only.
/// </summary>
internal sealed class TopicPartitionCache
{
    // Partitions above this get no cache slot (a new TopicPartition per record, as before the cache).
    private const int MaxCached = 4096;
    private string? _topic;
    private TopicPartition?[] _byPartition = new TopicPartition?[16];

    /// <summary>The topic and partition (<see cref="Partition.Any"/> included) as one shared instance.</summary>
    public TopicPartition For(string topic, Partition partition)
    {
        if (!ReferenceEquals(topic, _topic) && !string.Equals(topic, _topic, StringComparison.Ordinal))
        {
            _topic = topic;
            Array.Clear(_byPartition);
        }

        var slot = partition.Value + 1; // Partition.Any (-1) takes slot 0
        if (slot < 0 || slot >= MaxCached)
        {
            return new TopicPartition(topic, partition);
        }

        if (slot >= _byPartition.Length)
        {
            Array.Resize(ref _byPartition, Math.Min(MaxCached, Math.Max(slot + 1, _byPartition.Length * 2)));
        }

        return _byPartition[slot] ??= new TopicPartition(topic, partition);
    }
}

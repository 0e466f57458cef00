using Confluent.Kafka;

namespace ActorFlow.Kafka.Producer;

/// <summary>
/// A record to write to Kafka: the target <see cref="Topic"/>, an optional <see cref="Partition"/>
/// (<see cref="Partition.Any"/> lets the partitioner choose from the key) and the Confluent
/// <see cref="Message{TKey, TValue}"/> carrying key, value, timestamp and headers.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
public sealed class ProducerRecord<TKey, TValue>
{
    /// <summary>A record for <paramref name="topic"/> whose partition the partitioner chooses.</summary>
    public ProducerRecord(string topic, Message<TKey, TValue> message)
        : this(topic, Confluent.Kafka.Partition.Any, message)
    {
    }

    /// <summary>A record for <paramref name="topic"/> and an explicit <paramref name="partition"/>.</summary>
    public ProducerRecord(string topic, Partition partition, Message<TKey, TValue> message)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentNullException.ThrowIfNull(message);
        Topic = topic;
        Partition = partition;
        Message = message;
    }

    /// <summary>A record with just a key and a value for <paramref name="topic"/>; the partitioner chooses the partition.</summary>
    public ProducerRecord(string topic, TKey key, TValue value)
        : this(topic, new Message<TKey, TValue> { Key = key, Value = value })
    {
    }

    /// <summary>The topic to write to.</summary>
    public string Topic { get; }

    /// <summary>The partition to write to, or <see cref="Partition.Any"/> (the default) for the partitioner's choice.</summary>
    public Partition Partition { get; }

    /// <summary>Key, value, timestamp (<see cref="Timestamp.Default"/> lets the client stamp it) and headers.</summary>
    public Message<TKey, TValue> Message { get; }

    /// <summary>The topic and partition as a Confluent <see cref="Confluent.Kafka.TopicPartition"/>.</summary>
    public TopicPartition TopicPartition => new(Topic, Partition);

    /// <inheritdoc />
    public override string ToString() => $"ProducerRecord({Topic} [{Partition}], key={Message.Key})";
}

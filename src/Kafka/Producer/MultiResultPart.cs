using Confluent.Kafka;

namespace ActorFlow.Kafka.Producer;

/// <summary>One delivered record of a <see cref="MultiResult{TKey, TValue, TPassThrough}"/>.</summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
/// <param name="Offset">Topic, partition and offset the broker assigned.</param>
/// <param name="Timestamp">The timestamp the record was stored with.</param>
/// <param name="Record">The record that was written.</param>
public sealed record MultiResultPart<TKey, TValue>(TopicPartitionOffset Offset, Timestamp Timestamp, ProducerRecord<TKey, TValue> Record);

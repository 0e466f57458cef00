using Confluent.Kafka;

namespace ActorFlow.Kafka.Producer;

/// <summary>The outcome of a <see cref="SingleMessage{TKey, TValue, TPassThrough}"/>: where the broker stored the record.</summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
/// <typeparam name="TPassThrough">The pass-through type.</typeparam>
/// <param name="Offset">Topic, partition and offset the broker assigned.</param>
/// <param name="Timestamp">The timestamp the record was stored with.</param>
/// <param name="Record">The record that was written.</param>
/// <param name="PassThrough">The envelope's pass-through value.</param>
public sealed record Result<TKey, TValue, TPassThrough>(
    TopicPartitionOffset Offset,
    Timestamp Timestamp,
    ProducerRecord<TKey, TValue> Record,
    TPassThrough PassThrough) : IResults<TKey, TValue, TPassThrough>;

namespace ActorFlow.Kafka.Producer;

/// <summary>An envelope with exactly one record; its result is a <see cref="Result{TKey, TValue, TPassThrough}"/>.</summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
/// <typeparam name="TPassThrough">The pass-through type.</typeparam>
/// <param name="Record">The record to write.</param>
/// <param name="PassThrough">The value handed back with the result.</param>
public sealed record SingleMessage<TKey, TValue, TPassThrough>(ProducerRecord<TKey, TValue> Record, TPassThrough PassThrough)
    : IEnvelope<TKey, TValue, TPassThrough>;

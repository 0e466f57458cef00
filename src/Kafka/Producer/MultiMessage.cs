namespace ActorFlow.Kafka.Producer;

/// <summary>
/// An envelope with any number of records; its result is a <see cref="MultiResult{TKey, TValue, TPassThrough}"/>,
/// emitted once all of them are acknowledged. An empty list behaves like a <see cref="PassThroughMessage{TKey, TValue, TPassThrough}"/>
/// but still yields a (empty) <see cref="MultiResult{TKey, TValue, TPassThrough}"/>.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
/// <typeparam name="TPassThrough">The pass-through type.</typeparam>
/// <param name="Records">The records to write, in order.</param>
/// <param name="PassThrough">The value handed back with the result.</param>
public sealed record MultiMessage<TKey, TValue, TPassThrough>(IReadOnlyList<ProducerRecord<TKey, TValue>> Records, TPassThrough PassThrough)
    : IEnvelope<TKey, TValue, TPassThrough>;

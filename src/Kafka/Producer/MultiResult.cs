namespace ActorFlow.Kafka.Producer;

/// <summary>The outcome of a <see cref="MultiMessage{TKey, TValue, TPassThrough}"/>: one part per record, in the envelope's order.</summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
/// <typeparam name="TPassThrough">The pass-through type.</typeparam>
/// <param name="Parts">The delivered records, in the order they were given.</param>
/// <param name="PassThrough">The envelope's pass-through value.</param>
public sealed record MultiResult<TKey, TValue, TPassThrough>(IReadOnlyList<MultiResultPart<TKey, TValue>> Parts, TPassThrough PassThrough)
    : IResults<TKey, TValue, TPassThrough>;

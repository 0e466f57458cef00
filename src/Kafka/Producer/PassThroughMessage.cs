namespace ActorFlow.Kafka.Producer;

/// <summary>
/// An envelope without records: its pass-through value comes out as a <see cref="PassThroughResult{TKey, TValue, TPassThrough}"/>
/// in its place in the input order (use it to commit offsets of filtered-out input).
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
/// <typeparam name="TPassThrough">The pass-through type.</typeparam>
/// <param name="PassThrough">The value handed back.</param>
public sealed record PassThroughMessage<TKey, TValue, TPassThrough>(TPassThrough PassThrough)
    : IEnvelope<TKey, TValue, TPassThrough>;

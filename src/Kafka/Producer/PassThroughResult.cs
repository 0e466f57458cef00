namespace ActorFlow.Kafka.Producer;

/// <summary>The outcome of a <see cref="PassThroughMessage{TKey, TValue, TPassThrough}"/>: only its pass-through value.</summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
/// <typeparam name="TPassThrough">The pass-through type.</typeparam>
/// <param name="PassThrough">The envelope's pass-through value.</param>
public sealed record PassThroughResult<TKey, TValue, TPassThrough>(TPassThrough PassThrough) : IResults<TKey, TValue, TPassThrough>;

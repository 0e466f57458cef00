namespace ActorFlow.Kafka.Producer;

/// <summary>
/// What a producer flow emits for each <see cref="IEnvelope{TKey, TValue, TPassThrough}"/>, in input order,
/// once every record of the envelope has been acknowledged by the broker.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
/// <typeparam name="TPassThrough">The pass-through type.</typeparam>
public interface IResults<TKey, TValue, out TPassThrough>
{
    /// <summary>The pass-through value of the envelope this result belongs to.</summary>
    TPassThrough PassThrough { get; }
}

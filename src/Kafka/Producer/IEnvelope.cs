namespace ActorFlow.Kafka.Producer;

/// <summary>
/// What a producer flow takes in: zero, one or many records plus a pass-through value that comes out
/// again, unchanged, in the matching <see cref="IResults{TKey, TValue, TPassThrough}"/>. Create envelopes
/// with <see cref="ProducerMessage"/>.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
/// <typeparam name="TPassThrough">The pass-through type (for example an offset to commit once written).</typeparam>
public interface IEnvelope<TKey, TValue, out TPassThrough>
{
    /// <summary>The value handed back with the result.</summary>
    TPassThrough PassThrough { get; }
}

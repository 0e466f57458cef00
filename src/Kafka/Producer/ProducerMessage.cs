namespace ActorFlow.Kafka.Producer;

/// <summary>Creates the envelopes a producer flow takes (as Akka.Streams.Kafka's <c>ProducerMessage</c>).</summary>
public static class ProducerMessage
{
    /// <summary>One record (a <see cref="SingleMessage{TKey, TValue, TPassThrough}"/>); the flow emits a <see cref="Result{TKey, TValue, TPassThrough}"/> for it.</summary>
    public static IEnvelope<TKey, TValue, TPassThrough> Single<TKey, TValue, TPassThrough>(ProducerRecord<TKey, TValue> record, TPassThrough passThrough)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new SingleMessage<TKey, TValue, TPassThrough>(record, passThrough);
    }

    /// <summary>Several records (a <see cref="MultiMessage{TKey, TValue, TPassThrough}"/>); the flow emits one <see cref="MultiResult{TKey, TValue, TPassThrough}"/> once all are written.</summary>
    public static IEnvelope<TKey, TValue, TPassThrough> Multi<TKey, TValue, TPassThrough>(IEnumerable<ProducerRecord<TKey, TValue>> records, TPassThrough passThrough)
    {
        ArgumentNullException.ThrowIfNull(records);
        return new MultiMessage<TKey, TValue, TPassThrough>(records.ToArray(), passThrough);
    }

    /// <summary>No record (a <see cref="PassThroughMessage{TKey, TValue, TPassThrough}"/>); the flow emits a <see cref="PassThroughResult{TKey, TValue, TPassThrough}"/> in its place in the order.</summary>
    public static IEnvelope<TKey, TValue, TPassThrough> PassThrough<TKey, TValue, TPassThrough>(TPassThrough passThrough) =>
        new PassThroughMessage<TKey, TValue, TPassThrough>(passThrough);
}

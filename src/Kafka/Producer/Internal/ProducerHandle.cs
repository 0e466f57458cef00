using Confluent.Kafka;

namespace ActorFlow.Kafka.Producer.Internal;

/// <summary>
/// INTERNAL API. The client of a producer sink's latest materialization, for a flush from outside the stage: a job's Kafka
/// sink flushes at each checkpoint's barrier (as Flink's KafkaWriter), on the stream's thread, after the stage has taken
/// every record before the barrier.
/// </summary>
internal sealed class ProducerHandle<TKey, TValue>
{
    private volatile Attached? _current;

    /// <summary>The stage started with <paramref name="producer"/>; <paramref name="failure"/> reads its first failure.</summary>
    public void Attach(IProducer<TKey, TValue> producer, Func<Exception?> failure) => _current = new Attached(producer, failure);

    /// <summary>
    /// Waits until every record the stage handed to its client is acknowledged; throws when one failed, when the client
    /// still holds records after <paramref name="timeout"/>, or when it was closed meanwhile.
    /// </summary>
    public void Flush(TimeSpan timeout)
    {
        if (_current is not { } current)
        {
            return; // not started: it took nothing
        }

        int left;
        try
        {
            left = current.Producer.Flush(timeout);
        }
        catch (ObjectDisposedException e)
        {
            throw new InvalidOperationException("The Kafka sink's producer was closed before its records were acknowledged.", e);
        }

        if (current.Failure() is { } failure)
        {
            throw new InvalidOperationException($"The Kafka sink failed to deliver a record: {failure.Message}", failure);
        }

        if (left > 0)
        {
            throw new TimeoutException($"The Kafka sink's producer still held {left} records {timeout.TotalSeconds:0.#} s into a flush at a checkpoint's barrier.");
        }
    }

    private sealed record Attached(IProducer<TKey, TValue> Producer, Func<Exception?> Failure);
}

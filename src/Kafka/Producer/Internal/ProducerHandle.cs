using Confluent.Kafka;

namespace ActorFlow.Kafka.Producer.Internal;

/// <summary>
/// INTERNAL API. The clients of a producer sink connector's running stages, for a flush from outside them: a job's Kafka
/// sink flushes at each checkpoint's barrier (as Flink's KafkaWriter), on the stream's thread, after the stage has taken
/// every record before the barrier.
/// </summary>
internal sealed class ProducerHandle<TKey, TValue>
{
    // Every started, not yet stopped stage of the connector: one per run, or more when one connector instance backs
    // several sinks (of one job or of several); a flush covers them all.
    private readonly List<Attached> _attached = [];

    /// <summary>
    /// The stage started with <paramref name="producer"/>; <paramref name="failure"/> reads its first failure. Dispose the
    /// result when the stage stops.
    /// </summary>
    public IDisposable Attach(IProducer<TKey, TValue> producer, Func<Exception?> failure)
    {
        var attached = new Attached(this, producer, failure);
        lock (_attached)
        {
            _attached.Add(attached);
        }

        return attached;
    }

    /// <summary>
    /// Waits until every record the started stages handed to their clients is acknowledged; throws when one failed, when
    /// a client still holds records after <paramref name="timeout"/>, or when one was closed meanwhile.
    /// </summary>
    public void Flush(TimeSpan timeout)
    {
        Attached[] all;
        lock (_attached)
        {
            all = [.. _attached];
        }

        foreach (var current in all)
        {
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
    }

    private sealed class Attached(ProducerHandle<TKey, TValue> owner, IProducer<TKey, TValue> producer, Func<Exception?> failure) : IDisposable
    {
        public IProducer<TKey, TValue> Producer => producer;

        public Func<Exception?> Failure => failure;

        public void Dispose()
        {
            lock (owner._attached)
            {
                owner._attached.Remove(this);
            }
        }
    }
}

using Confluent.Kafka;

namespace ActorFlow.Kafka.Producer.Internal;

/// <summary>
/// INTERNAL API. The one delivery-report path of the producer stages: turns failed delivery reports, fatal client errors
/// and records the client rejected at once into the stage's failure, keeping the first, and wakes the stage when it
/// records one. Written from librdkafka's threads; the stage reads <see cref="Failure"/> on its own thread.
/// </summary>
/// <remarks>
/// For a transactional producer (<c>transactionalId</c> not null) a fatal or fencing error fails as
/// <see cref="ProducerErrors.Fatal"/>, and reports purged by an aborted transaction are not failures.
/// </remarks>
internal sealed class DeliveryReports<TKey, TValue>
{
    private readonly string? _transactionalId;
    private readonly Action _wakeUp;
    private Exception? _failure;

    /// <param name="transactionalId">The producer's <c>transactional.id</c>, or null for a plain producer.</param>
    /// <param name="wakeUp">Wakes the stage; called once, by whoever records the first failure through <see cref="Fail"/>.</param>
    public DeliveryReports(string? transactionalId, Action wakeUp)
    {
        _transactionalId = transactionalId;
        _wakeUp = wakeUp;
    }

    /// <summary>The first failure recorded, or null.</summary>
    public Exception? Failure => Volatile.Read(ref _failure);

    /// <summary>
    /// Runs on librdkafka's delivery thread. True when <paramref name="report"/> is a delivery (or, for a transactional
    /// producer, a purge by an abort); false when it failed, which is then recorded and wakes the stage.
    /// </summary>
    public bool OnReport(DeliveryReport<TKey, TValue> report)
    {
        var purgedByAbort = _transactionalId is not null && report.Error.Code is ErrorCode.Local_PurgeQueue or ErrorCode.Local_PurgeInflight;
        if (!report.Error.IsError || purgedByAbort)
        {
            return true;
        }

        Fail(Classify(report.Error, report.Topic, report.Partition, null));
        return false;
    }

    /// <summary>Runs on librdkafka's threads: a fatal error fails the stage; others are left to the client, which retries.</summary>
    public void OnClientError(Error error)
    {
        if (error.IsFatal)
        {
            Fail(ProducerErrors.Fatal(error, _transactionalId));
        }
    }

    /// <summary>
    /// Runs on the stage's thread: records <paramref name="e"/>, thrown by <c>Produce</c> for <paramref name="record"/>,
    /// without waking the stage (which looks at <see cref="Failure"/> next).
    /// </summary>
    public void OnRejected(ProducerRecord<TKey, TValue> record, KafkaException e) => OnRejected(record.Topic, record.Partition, e);

    /// <summary>
    /// Runs on the stage's thread: records <paramref name="e"/>, thrown by <c>Produce</c> for a record to
    /// <paramref name="topic"/> and <paramref name="partition"/>, without waking the stage.
    /// </summary>
    public void OnRejected(string topic, Partition partition, KafkaException e) => Record(Classify(e.Error, topic, partition, e));

    /// <summary>Runs on the stage's thread: records <paramref name="failure"/> if it is the first, without waking the stage.</summary>
    public void Record(Exception failure) => Interlocked.CompareExchange(ref _failure, failure, null);

    /// <summary>Records <paramref name="failure"/> if it is the first, and then wakes the stage.</summary>
    public void Fail(Exception failure)
    {
        if (Interlocked.CompareExchange(ref _failure, failure, null) is null)
        {
            _wakeUp();
        }
    }

    /// <summary>A fatal or fencing error of a transactional producer, or else a failed delivery to the topic and partition.</summary>
    public Exception Classify(Error error, string topic, Partition partition, Exception? cause) =>
        _transactionalId is not null && (error.IsFatal || error.Code == ErrorCode.ProducerFenced)
            ? ProducerErrors.Fatal(error, _transactionalId)
            : ProducerErrors.Delivery(topic, partition, error, cause);
}

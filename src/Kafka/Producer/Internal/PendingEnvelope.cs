using Confluent.Kafka;

namespace ActorFlow.Kafka.Producer.Internal;

/// <summary>
/// INTERNAL API. One envelope in flight in a <see cref="ProducerStage{TKey, TValue, TPassThrough}"/>: its records,
/// their delivery reports as they arrive (written on librdkafka's delivery thread), and how many are still missing.
/// </summary>
internal sealed class PendingEnvelope<TKey, TValue, TPassThrough>
{
    private readonly ProducerRecord<TKey, TValue>[] _records;
    private readonly DeliveryReport<TKey, TValue>?[] _reports;
    private readonly Action<DeliveryReport<TKey, TValue>>[] _handlers;
    private readonly Action<PendingEnvelope<TKey, TValue, TPassThrough>, DeliveryReport<TKey, TValue>> _onReport;
    private int _remaining;

    public PendingEnvelope(
        IEnvelope<TKey, TValue, TPassThrough> envelope,
        Action<PendingEnvelope<TKey, TValue, TPassThrough>, DeliveryReport<TKey, TValue>> onReport)
    {
        Envelope = envelope;
        _onReport = onReport;
        _records = envelope switch
        {
            SingleMessage<TKey, TValue, TPassThrough> single => [single.Record],
            MultiMessage<TKey, TValue, TPassThrough> multi => [.. multi.Records],
            PassThroughMessage<TKey, TValue, TPassThrough> => [],
            _ => throw new ArgumentException($"Unknown producer envelope {envelope.GetType().Name}.", nameof(envelope)),
        };
        _reports = new DeliveryReport<TKey, TValue>?[_records.Length];
        _handlers = new Action<DeliveryReport<TKey, TValue>>[_records.Length];
        for (var i = 0; i < _records.Length; i++)
        {
            var index = i;
            _handlers[i] = report => OnReport(index, report);
        }

        _remaining = _records.Length;
    }

    /// <summary>The envelope as it came in.</summary>
    public IEnvelope<TKey, TValue, TPassThrough> Envelope { get; }

    /// <summary>The records of the envelope, in order.</summary>
    public IReadOnlyList<ProducerRecord<TKey, TValue>> Records => _records;

    /// <summary>How many records have been handed to the client so far (a full local queue can interrupt a multi-record envelope).</summary>
    public int Produced { get; set; }

    /// <summary>True when every record has its delivery report.</summary>
    public bool IsDelivered => Volatile.Read(ref _remaining) == 0;

    /// <summary>The delivery handler of record <paramref name="index"/>.</summary>
    public Action<DeliveryReport<TKey, TValue>> HandlerFor(int index) => _handlers[index];

    /// <summary>The result to emit; only valid once <see cref="IsDelivered"/>.</summary>
    public IResults<TKey, TValue, TPassThrough> ToResult()
    {
        switch (Envelope)
        {
            case SingleMessage<TKey, TValue, TPassThrough> single:
                var report = _reports[0]!;
                return new Result<TKey, TValue, TPassThrough>(report.TopicPartitionOffset, report.Message.Timestamp, single.Record, single.PassThrough);
            case MultiMessage<TKey, TValue, TPassThrough> multi:
                var parts = new MultiResultPart<TKey, TValue>[_records.Length];
                for (var i = 0; i < parts.Length; i++)
                {
                    parts[i] = new MultiResultPart<TKey, TValue>(_reports[i]!.TopicPartitionOffset, _reports[i]!.Message.Timestamp, _records[i]);
                }

                return new MultiResult<TKey, TValue, TPassThrough>(parts, multi.PassThrough);
            default:
                return new PassThroughResult<TKey, TValue, TPassThrough>(Envelope.PassThrough);
        }
    }

    private void OnReport(int index, DeliveryReport<TKey, TValue> report)
    {
        _reports[index] = report;
        Interlocked.Decrement(ref _remaining);
        _onReport(this, report);
    }
}

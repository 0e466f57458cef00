using ActorFlow.Operators;
using Confluent.Kafka;

namespace ActorFlow.Kafka.Producer.Internal;

/// <summary>
/// INTERNAL API. How a <see cref="ProducerSinkStage{TIn, TKey, TValue}"/> turns each stream element into records:
/// an element holds <see cref="Count"/> records, each encoded once by <see cref="Prepare"/> and then handed to the
/// client by <see cref="Produce"/> (again, for the same prepared record, after the client's queue was full). One
/// writer per materialization; stage thread only.
/// </summary>
internal abstract class RecordWriter<TIn, TKey, TValue>
{
    /// <summary>The topic of the prepared record (names a failure).</summary>
    public abstract string Topic { get; }

    /// <summary>The partition of the prepared record (names a failure).</summary>
    public abstract Partition Partition { get; }

    /// <summary>How many records <paramref name="element"/> holds.</summary>
    public abstract int Count(TIn element);

    /// <summary>Encodes record <paramref name="index"/> of <paramref name="element"/> as the next to produce; may throw (the user's encoder).</summary>
    public abstract void Prepare(TIn element, int index);

    /// <summary>Hands the prepared record to <paramref name="producer"/>; throws as <c>IProducer.Produce</c> does.</summary>
    public abstract void Produce(IProducer<TKey, TValue> producer, Action<DeliveryReport<TKey, TValue>> onReport);

    /// <summary>Drops the references to the last element's records once all are produced.</summary>
    public abstract void Clear();
}

/// <summary>INTERNAL API. The writers of the producer sink stages.</summary>
internal static class RecordWriters
{
    /// <summary>9999-12-31T23:59:59.999Z in epoch milliseconds: the last time a <see cref="DateTime"/> holds.</summary>
    private const long MaxEventTime = 253_402_300_799_999;

    /// <summary>One <see cref="ProducerRecord{TKey, TValue}"/> per element (<c>KafkaProducer.PlainSink</c>).</summary>
    public static Func<RecordWriter<ProducerRecord<TKey, TValue>, TKey, TValue>> Records<TKey, TValue>() =>
        () => new EncodingWriter<ProducerRecord<TKey, TValue>, TKey, TValue>(static (record, _) => record, static _ => 1);

    /// <summary>
    /// A list of values with their event timestamps per element, each encoded to a record by <paramref name="encode"/>;
    /// a record whose message has no timestamp of its own gets the value's (see <see cref="EventTime"/>).
    /// </summary>
    public static Func<RecordWriter<IReadOnlyList<TimestampedValue<T>>, TKey, TValue>> Batches<T, TKey, TValue>(Func<T, ProducerRecord<TKey, TValue>> encode) =>
        () => new EncodingWriter<IReadOnlyList<TimestampedValue<T>>, TKey, TValue>(
            (batch, i) =>
            {
                var record = encode(batch[i].Value);
                if (record.Message.Timestamp == Timestamp.Default)
                {
                    record.Message.Timestamp = EventTime(batch[i].Timestamp);
                }

                return record;
            },
            static batch => batch.Count);

    /// <summary>
    /// A list of values with their event timestamps per element, each encoded by <paramref name="encode"/> to a key and
    /// value for <paramref name="topic"/>, partition chosen by the partitioner, timestamp the value's.
    /// </summary>
    public static Func<RecordWriter<IReadOnlyList<TimestampedValue<T>>, byte[], byte[]>> KeyValueBatches<T>(string topic, Func<T, (byte[]? Key, byte[] Value)> encode) =>
        () => new KeyValueWriter<T>(topic, encode);

    /// <summary>
    /// The Kafka timestamp of a record with event timestamp <paramref name="timestamp"/>: that time as the record's
    /// <c>CreateTime</c>, as Flink's KafkaSink writes it; none (the producer's clock) for a time Kafka cannot hold or
    /// that is no time at all: <see cref="Timestamps.NoTimestamp"/>, the epoch or before (Kafka refuses negative
    /// timestamps; librdkafka takes 0 for "now"), and past the year 9999, <see cref="long.MaxValue"/> among them (a global
    /// window's results, timers at the end of time), which a broker bounding timestamps would refuse and a job reading
    /// the topic would take for the end of time.
    /// </summary>
    public static Timestamp EventTime(long timestamp) => timestamp is > 0 and <= MaxEventTime ? new Timestamp(timestamp, TimestampType.CreateTime) : Timestamp.Default;

    /// <summary>Records the user encodes as <see cref="ProducerRecord{TKey, TValue}"/>; their topic and partition are shared per partition.</summary>
    private sealed class EncodingWriter<TIn, TKey, TValue>(Func<TIn, int, ProducerRecord<TKey, TValue>> encode, Func<TIn, int> count)
        : RecordWriter<TIn, TKey, TValue>
    {
        private readonly TopicPartitionCache _partitions = new();
        private ProducerRecord<TKey, TValue>? _record;

        public override string Topic => _record!.Topic;

        public override Partition Partition => _record!.Partition;

        public override int Count(TIn element) => count(element);

        public override void Prepare(TIn element, int index) => _record = encode(element, index);

        public override void Produce(IProducer<TKey, TValue> producer, Action<DeliveryReport<TKey, TValue>> onReport) =>
            producer.Produce(_partitions.For(_record!.Topic, _record.Partition), _record.Message, onReport);

        public override void Clear() => _record = null;
    }

    /// <summary>
    /// Key and value for one topic: one <see cref="Message{TKey, TValue}"/> is refilled for every record (Confluent
    /// copies key and value into librdkafka during <c>Produce</c> and keeps no reference to the message), with an
    /// empty header collection the writer owns (Confluent makes a new one per record for a message without).
    /// </summary>
    private sealed class KeyValueWriter<T>(string topic, Func<T, (byte[]? Key, byte[] Value)> encode) : RecordWriter<IReadOnlyList<TimestampedValue<T>>, byte[], byte[]>
    {
        private readonly TopicPartition _target = new(topic, Partition.Any);
        private readonly Message<byte[], byte[]> _message = new() { Headers = new Headers() };

        public override string Topic => topic;

        public override Partition Partition => Partition.Any;

        public override int Count(IReadOnlyList<TimestampedValue<T>> element) => element.Count;

        public override void Prepare(IReadOnlyList<TimestampedValue<T>> element, int index)
        {
            var (key, value) = encode(element[index].Value);
            _message.Key = key!;
            _message.Value = value;
            _message.Timestamp = EventTime(element[index].Timestamp);
        }

        public override void Produce(IProducer<byte[], byte[]> producer, Action<DeliveryReport<byte[], byte[]>> onReport)
        {
            try
            {
                producer.Produce(_target, _message, onReport);
            }
            finally
            {
                // A serializer that added headers wrote them to this record only.
                if (_message.Headers.Count > 0)
                {
                    _message.Headers = new Headers();
                }
            }
        }

        public override void Clear()
        {
            _message.Key = null!;
            _message.Value = null!;
        }
    }
}

using ActorFlow.Kafka.Dsl;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Settings;
using Confluent.Kafka;

namespace ActorFlow.Benchmarks.Runtime;

/// <summary>
/// The pre-filled input topic every throughput contender reads: <c>records</c> records over <c>keys</c> keys, round
/// robin over the partitions, event time advancing <c>eventTimeStepMicros</c> per record from a fixed base, then one
/// marker per partition with a far-future event time (so every real window fires). Verifies that the mock broker
/// trimmed nothing (low watermark 0, high watermark = records written).
/// </summary>
public sealed class InputTopic
{
    /// <summary>Event time of the first record (epoch ms).</summary>
    public const long BaseTime = 1_700_000_000_000;

    private InputTopic(string name, int partitions, long records, long[] keptPerPartition)
    {
        Name = name;
        Partitions = partitions;
        Records = records;
        KeptPerPartition = keptPerPartition;
        Kept = keptPerPartition.Sum();
    }

    /// <summary>Topic name.</summary>
    public string Name { get; }

    /// <summary>Partition count.</summary>
    public int Partitions { get; }

    /// <summary>All records in the topic, markers included.</summary>
    public long Records { get; }

    /// <summary>Records the stateless job's filter keeps.</summary>
    public long Kept { get; }

    /// <summary>Records the stateless job's filter keeps, per partition (what a Kafka → Kafka copy writes to each output partition).</summary>
    public IReadOnlyList<long> KeptPerPartition { get; }

    /// <summary>Records that are not markers (the sum of all window counts).</summary>
    public long Real => Records - Partitions;

    /// <summary>Every partition from its beginning.</summary>
    public TopicPartitionOffset[] FromBeginning() =>
        Enumerable.Range(0, Partitions).Select(p => new TopicPartitionOffset(Name, p, Offset.Beginning)).ToArray();

    /// <summary>Fills the topic; <paramref name="encode"/>, when given, writes each value from its key and event time (e.g. an Avro record) instead of the fixed padded value.</summary>
    public static InputTopic Fill(EmbeddedKafka kafka, ProducerSettings<byte[], byte[]> settings, string name, int partitions, int records, int keys, int valueBytes, int eventTimeStepMicros,
        Func<long, long, byte[]>? encode = null)
    {
        kafka.CreateTopic(name, partitions);
        using var producer = KafkaProducer.CreateProducer(settings);
        var keyBuffers = Enumerable.Range(0, keys + 1).Select(k =>
        {
            var b = new byte[8];
            BenchEvent.WriteKey(b, k == keys ? BenchEvent.MarkerKey : k);
            return b;
        }).ToArray();
        var value = new byte[Math.Max(8, valueBytes)];
        var kept = new long[partitions];
        for (var i = 0; i < records; i++)
        {
            // A multiplicative hash spreads the keys over partitions and time.
            var key = (int)((i * 2_654_435_761L) % keys);
            kept[i % partitions] += BenchEvent.Keep(key) ? 1 : 0;
            var time = BaseTime + (i * (long)eventTimeStepMicros / 1000);
            Produce(producer, new TopicPartition(name, i % partitions), new Message<byte[], byte[]>
            {
                Key = keyBuffers[key],
                Value = encode?.Invoke(key, time) ?? value,
                Timestamp = new Timestamp(time, TimestampType.CreateTime),
            });
        }

        for (var p = 0; p < partitions; p++)
        {
            Produce(producer, new TopicPartition(name, p), new Message<byte[], byte[]>
            {
                Key = keyBuffers[keys],
                Value = encode?.Invoke(BenchEvent.MarkerKey, BaseTime + 1_000_000_000) ?? value,
                Timestamp = new Timestamp(BaseTime + 1_000_000_000, TimestampType.CreateTime),
            });
        }

        if (producer.Flush(TimeSpan.FromMinutes(2)) > 0)
        {
            throw new InvalidOperationException("Could not fill the input topic.");
        }

        var total = 0L;
        using var check = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = kafka.BootstrapServers, GroupId = "check" }).Build();
        for (var p = 0; p < partitions; p++)
        {
            var offsets = check.QueryWatermarkOffsets(new TopicPartition(name, p), TimeSpan.FromSeconds(10));
            if (offsets.Low.Value != 0)
            {
                throw new InvalidOperationException($"The mock broker trimmed {name}/{p} (low watermark {offsets.Low.Value}): use more partitions.");
            }

            total += offsets.High.Value;
        }

        if (total != records + partitions)
        {
            throw new InvalidOperationException($"{name} holds {total} records, expected {records + partitions}.");
        }

        return new InputTopic(name, partitions, total, kept);
    }

    internal static void Produce(IProducer<byte[], byte[]> producer, TopicPartition partition, Message<byte[], byte[]> message)
    {
        while (true)
        {
            try
            {
                producer.Produce(partition, message);
                return;
            }
            catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                producer.Poll(TimeSpan.FromMilliseconds(10));
            }
        }
    }
}

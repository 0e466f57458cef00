using System.Text;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Settings;
using Akka.Streams;
using Confluent.Kafka;
using Xunit.Abstractions;

namespace ActorFlow.Kafka.Tests.Consumer;

/// <summary>A TestKit with its own embedded broker and helpers to produce and read back records.</summary>
public abstract class KafkaSpecBase : Akka.TestKit.Xunit2.TestKit
{
    protected KafkaSpecBase(ITestOutputHelper output, int partitions = 3, int brokers = 1)
        : base("akka.loglevel = INFO", output: output)
    {
        Kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { BrokerCount = brokers, Topics = new Dictionary<string, int> { [Topic] = partitions } });
        Materializer = Sys.Materializer();
    }

    protected EmbeddedKafka Kafka { get; }

    protected IMaterializer Materializer { get; }

    protected string Topic { get; } = "topic-" + Guid.NewGuid().ToString("N")[..8];

    protected ConsumerSettings<string, string> ConsumerSettings(string group) =>
        ConsumerSettings<string, string>.Create(Sys, null, null)
            .WithBootstrapServers(Kafka.BootstrapServers)
            .WithGroupId(group);

    /// <summary>Produces values "0".."count-1" (with offset <paramref name="start"/>), keyed so they spread over partitions.</summary>
    protected void Produce(int count, int start = 0)
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = Kafka.BootstrapServers, LingerMs = 1 }).Build();
        for (var i = start; i < start + count; i++)
        {
            producer.Produce(Topic, new Message<string, string> { Key = "k" + i, Value = i.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }

        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
    }

    /// <summary>The group's committed offsets per partition (missing = none committed).</summary>
    protected Dictionary<int, long> Committed(string group, int partitions)
    {
        using var c = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = Kafka.BootstrapServers, GroupId = group }).Build();
        var tps = Enumerable.Range(0, partitions).Select(p => new TopicPartition(Topic, p));
        return c.Committed(tps, TimeSpan.FromSeconds(10))
            .Where(o => o.Offset.Value >= 0)
            .ToDictionary(o => o.Partition.Value, o => o.Offset.Value);
    }

    protected static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    /// <summary>Every record of the spec's topic (<paramref name="partitions"/> partitions), from the beginning to the end offsets at the call.</summary>
    protected List<ConsumeResult<byte[], byte[]>> ReadTopic(int partitions)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = Kafka.BootstrapServers, GroupId = "read-" + Guid.NewGuid().ToString("N") }).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(Topic, p, Offset.Beginning)));
        var read = new List<ConsumeResult<byte[], byte[]>>();
        var high = Enumerable.Range(0, partitions).Sum(p => consumer.QueryWatermarkOffsets(new TopicPartition(Topic, p), TimeSpan.FromSeconds(10)).High.Value);
        while (read.Count < high && consumer.Consume(TimeSpan.FromSeconds(10)) is { } r)
        {
            read.Add(r);
        }

        return read;
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        Kafka.Dispose();
    }
}

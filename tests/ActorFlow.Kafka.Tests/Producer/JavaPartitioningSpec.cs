using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Producer.Internal;
using ActorFlow.Kafka.Settings;
using ActorFlow.Kafka.Tests.Consumer;
using ActorFlow.Topology.Connectors;
using Akka.Streams.Dsl;
using Confluent.Kafka;
using Xunit.Abstractions;

namespace ActorFlow.Kafka.Tests.Producer;

/// <summary>
/// Keyed records go to the partition the Apache Kafka Java producer gives their key (murmur2), from the plain sinks
/// (librdkafka's <c>murmur2_random</c>, our default) and from the exactly-once sink (which computes it itself), so topics
/// written by a job stay co-partitioned with topics written by Java, Kafka Streams or Flink producers.
/// </summary>
public sealed class JavaPartitioningSpec(ITestOutputHelper output) : KafkaSpecBase(output, partitions: Partitions)
{
    private const int Partitions = 7;

    /// <summary>Verify murmur2 against the vectors of Kafka's own UtilsTest.testMurmur2 (the Java client).</summary>
    [Theory]
    [InlineData("21", -973932308)]
    [InlineData("foobar", -790332482)]
    [InlineData("a-little-bit-long-string", -985981536)]
    [InlineData("a-little-bit-longer-string", -1486304829)]
    [InlineData("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971)]
    [InlineData("abc", 479470107)]
    public void Murmur2_must_give_the_Java_clients_hash(string key, int java)
    {
        Assert.Equal(java, JavaPartitioner.Murmur2(Encoding.ASCII.GetBytes(key)));
        Assert.Equal((java & 0x7fffffff) % Partitions, JavaPartitioner.PartitionFor(Encoding.ASCII.GetBytes(key), Partitions));
    }

    /// <summary>
    /// Verify that both sinks put every keyed record (keys of every length, the empty key, non-ASCII) in the partition of
    /// the Java producer: the plain sink through librdkafka's murmur2 partitioner, the exactly-once sink by itself.
    /// </summary>
    [Fact]
    public async Task Both_sinks_must_put_a_key_where_the_Java_producer_puts_it()
    {
        var keys = Enumerable.Range(0, 300).Select(i => "key-" + new string('x', i % 9) + i).Concat(["", "21", "foobar", "ключ-ü", "a-little-bit-longer-string"]).ToList();
        Func<string, (byte[]? Key, byte[] Value)> encode = k => (Encoding.UTF8.GetBytes(k), Encoding.UTF8.GetBytes(k));
        var settings = ProducerSettings<byte[], byte[]>.Create(Sys, null, null).WithBootstrapServers(Kafka.BootstrapServers);

        await Source.From(keys).RunWith(KafkaConnectors.Sink(settings, Topic, encode).Sink(), Materializer).WaitAsync(TimeSpan.FromSeconds(30));
        var exactlyOnceTopic = Topic + "-eo";
        Kafka.CreateTopic(exactlyOnceTopic, Partitions);
        var exactlyOnce = (ICheckpointedSink<string>)KafkaConnectors.ExactlyOnceSink(settings, exactlyOnceTopic, encode);
        try
        {
            await exactlyOnce.PublishAsync(1, [.. keys.Select(k => exactlyOnce.Encode(k))], CancellationToken.None);
        }
        finally
        {
            ((IDisposable)exactlyOnce).Dispose();
        }

        foreach (var topic in new[] { Topic, exactlyOnceTopic })
        {
            var read = ReadAll(topic, keys.Count);
            Assert.Equal(keys.Order(StringComparer.Ordinal), read.Select(r => r.Key).Order(StringComparer.Ordinal));
            var misplaced = read.Where(r => r.Partition != JavaPartitioner.PartitionFor(Encoding.UTF8.GetBytes(r.Key), Partitions)).ToList();
            Assert.True(misplaced.Count == 0, $"{topic}: {misplaced.Count} records not in the Java producer's partition, e.g. '{misplaced.FirstOrDefault().Key}' in {misplaced.FirstOrDefault().Partition}");
            Assert.Equal(((-790332482 & 0x7fffffff) % Partitions, "foobar"), read.Where(r => r.Key == "foobar").Select(r => (r.Partition, r.Key)).Single());
        }
    }

    private List<(string Key, int Partition)> ReadAll(string topic, int count)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = Kafka.BootstrapServers, GroupId = "read-back-" + topic }).Build();
        consumer.Assign(Enumerable.Range(0, Partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var read = new List<(string Key, int Partition)>();
        while (read.Count < count && consumer.Consume(TimeSpan.FromSeconds(10)) is { } r)
        {
            read.Add((Text(r.Message.Key), r.Partition.Value));
        }

        return read;
    }
}

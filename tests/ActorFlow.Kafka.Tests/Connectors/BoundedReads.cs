using System.Globalization;
using System.Text;
using ActorFlow.Topology.Connectors;
using Akka.Streams;
using Akka.Streams.Dsl;
using Confluent.Kafka;

namespace ActorFlow.Kafka.Tests.Connectors;

/// <summary>What the bounded source specs write and read back.</summary>
internal static class BoundedReads
{
    /// <summary>Every record of every partition the source announces, by partition (an announced partition without records maps to an empty list); completes once every partition and the partition set ended.</summary>
    public static async Task<Dictionary<string, List<string>>> ReadAllAsync(
        Source<(string Partition, Source<IReadOnlyList<SourceRecord<string>>, Akka.NotUsed> Records), ISourceControl> partitions, IMaterializer materializer)
    {
        var records = await partitions.MapMaterializedValue(_ => Akka.NotUsed.Instance)
            .MergeMany(8, p => Source.Single((p.Partition, (string?)null)).Concat(p.Records.SelectMany(chunk => chunk.Select(r => (p.Partition, (string?)r.Value)))))
            .RunWith(Sink.Seq<(string, string?)>(), materializer)
            .WaitAsync(TimeSpan.FromSeconds(30));
        return records.GroupBy(r => r.Item1).ToDictionary(g => g.Key, g => g.Where(r => r.Item2 is not null).Select(r => r.Item2!).ToList());
    }

    /// <summary>Writes the numbers <paramref name="first"/> .. <paramref name="first"/> + <paramref name="count"/> − 1 as text to one partition.</summary>
    public static void ProduceTo(string bootstrapServers, string topic, int partition, int first, int count)
    {
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = bootstrapServers }).Build();
        for (var i = first; i < first + count; i++)
        {
            producer.Produce(new TopicPartition(topic, partition), new Message<byte[], byte[]> { Value = Encoding.UTF8.GetBytes(i.ToString(CultureInfo.InvariantCulture)) });
        }

        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
    }
}

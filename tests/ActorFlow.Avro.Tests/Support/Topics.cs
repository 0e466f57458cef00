using System.Text;
using ActorFlow.Kafka.Embedded;
using Confluent.Kafka;

namespace ActorFlow.Avro.Tests.Support;

/// <summary>A record read back from a topic: key, value and headers.</summary>
public sealed record ReadRecord(long Offset, byte[]? Key, byte[]? Value, IReadOnlyDictionary<string, string> Headers);

/// <summary>Writes and reads raw records on an embedded broker.</summary>
public static class Topics
{
    /// <summary>Writes <paramref name="values"/> in order to partition <paramref name="partition"/> of <paramref name="topic"/>.</summary>
    public static void Produce(EmbeddedKafka kafka, string topic, IEnumerable<byte[]> values, int partition = 0)
    {
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, LingerMs = 5, EnableIdempotence = true }).Build();
        foreach (var v in values)
        {
            producer.Produce(new TopicPartition(topic, partition), new Message<byte[], byte[]> { Value = v });
        }

        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
    }

    /// <summary>Every record of partition 0 of <paramref name="topic"/>, from the beginning to its current end.</summary>
    public static List<ReadRecord> Read(EmbeddedKafka kafka, string topic)
    {
        using var c = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = kafka.BootstrapServers, GroupId = "reader" }).Build();
        c.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var end = c.QueryWatermarkOffsets(new TopicPartition(topic, 0), TimeSpan.FromSeconds(10)).High.Value;
        var all = new List<ReadRecord>();
        while (all.Count < end && c.Consume(TimeSpan.FromSeconds(5)) is { } r)
        {
            var headers = (r.Message.Headers ?? []).ToDictionary(h => h.Key, h => Encoding.UTF8.GetString(h.GetValueBytes()));
            all.Add(new ReadRecord(r.Offset.Value, r.Message.Key, r.Message.Value, headers));
        }

        return all;
    }

    /// <summary>Polls <paramref name="condition"/> every 100 ms until it holds; fails after <paramref name="timeout"/>.</summary>
    public static async Task AwaitAsync(Func<bool> condition, TimeSpan timeout, Func<string>? describe = null)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (!condition())
        {
            try
            {
                await Task.Delay(100, cts.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Condition not met within {timeout}: {describe?.Invoke()}");
            }
        }
    }
}

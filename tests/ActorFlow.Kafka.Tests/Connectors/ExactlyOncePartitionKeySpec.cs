using System.Buffers.Binary;
using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Producer.Internal;
using ActorFlow.Kafka.Settings;
using ActorFlow.Kafka.Tests.Consumer;
using ActorFlow.Topology.Connectors;
using Confluent.Kafka;
using Xunit.Abstractions;

namespace ActorFlow.Kafka.Tests.Connectors;

/// <summary>
/// The exactly-once sink places records by a partition key of their own when given one, as Flink's KafkaSink takes a
/// partitioner and Kafka Streams places a windowed key by its base key (WindowedStreamPartitioner): a user's windows,
/// keyed by user and window start, all land in the user's partition. It placed every record by its whole Kafka key
/// (found by a review porting a Kafka Streams application), and a user could not choose.
/// </summary>
public sealed class ExactlyOncePartitionKeySpec(ITestOutputHelper output) : KafkaSpecBase(output, partitions: 4)
{
    /// <summary>
    /// Verify that every window of a user lands in the Java producer's partition of the user (not of the windowed key),
    /// that a null partition key places a record by its key, and that publishing the epoch again writes nothing twice.
    /// </summary>
    [Fact]
    public async Task Records_must_go_to_the_partition_of_their_partition_key_once()
    {
        var settings = ProducerSettings<byte[], byte[]>.Create(Sys, null, null).WithBootstrapServers(Kafka.BootstrapServers);
        string[] users = ["ann", "bob", "cat", "dan", "eve"];
        var windows = users.SelectMany(u => Enumerable.Range(0, 6).Select(w => (User: u, Start: w * 10_000L))).ToList();
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var sink = (ICheckpointedSink<(string User, long Start)>)KafkaConnectors.ExactlyOnceSink<(string User, long Start)>(
                settings,
                Topic,
                w => new Message<byte[], byte[]> { Key = WindowedKey(w.User, w.Start), Value = Encoding.UTF8.GetBytes(w.User + "@" + w.Start) },
                w => w.User == "eve" ? null : Encoding.UTF8.GetBytes(w.User));
            await sink.PublishAsync(7, [.. windows.Select(w => sink.Encode(w, w.Start + 9_999))], CancellationToken.None);
            await sink.CloseAsync();
            (sink as IDisposable)?.Dispose();
        }

        var read = ReadTopic(4);
        Assert.Equal(windows.Count, read.Count);
        foreach (var record in read)
        {
            var user = Text(record.Message.Value).Split('@')[0];
            var expected = user == "eve"
                ? JavaPartitioner.PartitionFor(record.Message.Key, 4) // no partition key: by the Kafka key
                : JavaPartitioner.PartitionFor(Encoding.UTF8.GetBytes(user), 4);
            Assert.Equal(expected, record.Partition.Value);
        }

        Assert.Equal(users.Length - 1, read.Where(r => !Text(r.Message.Value).StartsWith("eve", StringComparison.Ordinal)).GroupBy(r => Text(r.Message.Value).Split('@')[0]).Count(g => g.Select(r => r.Partition.Value).Distinct().Count() == 1));
    }

    /// <summary>Kafka Streams' TimeWindowedSerializer layout: the key's bytes, then the window start as 8 big-endian bytes.</summary>
    private static byte[] WindowedKey(string user, long start)
    {
        var key = Encoding.UTF8.GetBytes(user);
        var result = new byte[key.Length + 8];
        key.CopyTo(result, 0);
        BinaryPrimitives.WriteInt64BigEndian(result.AsSpan(key.Length), start);
        return result;
    }
}

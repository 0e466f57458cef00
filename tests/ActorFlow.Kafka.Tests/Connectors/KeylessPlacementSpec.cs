using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Settings;
using ActorFlow.Kafka.Tests.Consumer;
using Confluent.Kafka;
using Xunit.Abstractions;

namespace ActorFlow.Kafka.Tests.Connectors;

/// <summary>
/// Where the exactly-once sink puts records without a key: round robin within an epoch, from a partition that moves on
/// with every epoch, so that a topic fed small epochs gets records in every partition (each epoch started at partition 0
/// before, and a job publishing fewer records per checkpoint than the topic has partitions left the last ones empty).
/// Records a build before the change stored in a checkpoint go where that build put them when they are published again.
/// </summary>
public sealed class KeylessPlacementSpec(ITestOutputHelper output) : KafkaSpecBase(output, partitions: Partitions)
{
    private const int Partitions = 3;

    /// <summary>Verify that epochs of one keyless record each land in every partition, not all in partition 0.</summary>
    [Fact]
    public async Task Small_keyless_epochs_must_spread_over_the_partitions()
    {
        var settings = ProducerSettings<byte[], byte[]>.Create(Sys, null, null).WithBootstrapServers(Kafka.BootstrapServers);
        using var sink = new ExactlyOnceKafkaSink<string>(settings, Topic, s => (null, Encoding.UTF8.GetBytes(s)));

        for (var epoch = 1; epoch <= 6; epoch++)
        {
            await sink.PublishAsync(epoch, [sink.Encode("e" + epoch.ToString(CultureInfo.InvariantCulture))], "writer", CancellationToken.None);
        }

        var perPartition = ReadAll().GroupBy(r => r.Partition.Value).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal([0, 1, 2], perPartition.Keys.Order());
        Assert.All(perPartition.Values, count => Assert.Equal(2, count));
    }

    /// <summary>
    /// Verify that an epoch stored by the build before (keyless records placed from partition 0 in every epoch), which
    /// that build published in part before it stopped, is completed exactly once by this build.
    /// </summary>
    [Fact]
    public async Task An_epoch_stored_before_the_change_must_be_completed_where_it_was_started()
    {
        const long epoch = 5; // not a multiple of the partition count: this build would start it at partition 2
        var values = Enumerable.Range(0, 9).Select(i => "v" + i.ToString(CultureInfo.InvariantCulture)).ToList();
        using (var before = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = Kafka.BootstrapServers }).Build())
        {
            // The build before published records 0-5 (partitions 0, 1, 2, 0, 1, 2) and stopped.
            for (var i = 0; i < 6; i++)
            {
                before.Produce(new TopicPartition(Topic, i % Partitions), new Message<byte[], byte[]>
                {
                    Value = Encoding.UTF8.GetBytes(values[i]),
                    Headers = new Headers
                    {
                        { "actorflow.epoch", Encoding.ASCII.GetBytes(epoch.ToString(CultureInfo.InvariantCulture)) },
                        { "actorflow.index", Encoding.ASCII.GetBytes(i.ToString(CultureInfo.InvariantCulture)) },
                        { "actorflow.writer", "writer"u8.ToArray() },
                    },
                });
            }

            Assert.Equal(0, before.Flush(TimeSpan.FromSeconds(30)));
        }

        var settings = ProducerSettings<byte[], byte[]>.Create(Sys, null, null).WithBootstrapServers(Kafka.BootstrapServers);
        using (var sink = new ExactlyOnceKafkaSink<string>(settings, Topic, s => (null, Encoding.UTF8.GetBytes(s))))
        {
            await sink.PublishAsync(epoch, [.. values.Select(StoredBefore)], "writer", CancellationToken.None);
        }

        var read = ReadAll();
        Assert.Equal(values, read.Select(r => Text(r.Message.Value)).Order(StringComparer.Ordinal));
        Assert.All(read, r => Assert.Equal(int.Parse(Text(r.Message.Value)[1..], CultureInfo.InvariantCulture) % Partitions, r.Partition.Value));
    }

    /// <summary>A keyless record as the build before stored it in a checkpoint: layout -2, timestamp, key length -1, value.</summary>
    private static byte[] StoredBefore(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        var record = new byte[16 + bytes.Length];
        BinaryPrimitives.WriteInt32LittleEndian(record, -2);
        BinaryPrimitives.WriteInt64LittleEndian(record.AsSpan(4), 1_000);
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(12), -1);
        bytes.CopyTo(record, 16);
        return record;
    }

    private List<ConsumeResult<byte[], byte[]>> ReadAll() => ReadTopic(Partitions);
}

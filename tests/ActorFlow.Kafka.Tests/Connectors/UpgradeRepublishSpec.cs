using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Settings;
using ActorFlow.Kafka.Tests.Consumer;
using ActorFlow.Persistence.Partitioning;
using ActorFlow.Topology.Connectors;
using Confluent.Kafka;
using Xunit.Abstractions;

namespace ActorFlow.Kafka.Tests.Connectors;

/// <summary>
/// The first start of a build that places keys by murmur2 publishes again the latest checkpoint's epoch, stored by a
/// build that placed them by murmur3 (records in the old layout, without a timestamp): those records must go where the
/// old build put them, or the skip of what is already there (each partition's last index) writes some twice and loses
/// others.
/// </summary>
public sealed class UpgradeRepublishSpec(ITestOutputHelper output) : KafkaSpecBase(output, partitions: Partitions)
{
    private const int Partitions = 7;

    /// <summary>Verify that an epoch the old build published completely is not written again.</summary>
    [Fact]
    public async Task An_epoch_the_old_build_published_must_not_be_written_twice()
    {
        var keys = Enumerable.Range(0, 10).Select(i => "acct-" + i.ToString(CultureInfo.InvariantCulture)).ToList();
        ProduceAsOldBuild(keys, _ => true);

        await PublishStoredAsync(keys);

        Assert.Equal(Enumerable.Range(0, keys.Count).Select(Value).Order(StringComparer.Ordinal), ReadAll().Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// Verify that an epoch the old build published in part (it crashed before one partition got its records) is
    /// completed: every record once.
    /// </summary>
    [Fact]
    public async Task An_epoch_the_old_build_published_in_part_must_be_completed_exactly_once()
    {
        var keys = Enumerable.Range(0, 40).Select(i => "acct-" + i.ToString(CultureInfo.InvariantCulture)).ToList();
        var undelivered = OldPartition(keys[0]);
        ProduceAsOldBuild(keys, i => OldPartition(keys[i]) != undelivered);

        await PublishStoredAsync(keys);

        Assert.Equal(Enumerable.Range(0, keys.Count).Select(Value).Order(StringComparer.Ordinal), ReadAll().Order(StringComparer.Ordinal));
    }

    private static string Value(int index) => "v" + index.ToString(CultureInfo.InvariantCulture);

    private static int OldPartition(string key) => (int)(KeyGroups.Hash(Encoding.UTF8.GetBytes(key)) % Partitions);

    /// <summary>A record as builds before 2026-12-05 stored it in the checkpoint: key length, key, value.</summary>
    private static byte[] OldLayout(string key, string value)
    {
        var k = Encoding.UTF8.GetBytes(key);
        var v = Encoding.UTF8.GetBytes(value);
        var record = new byte[4 + k.Length + v.Length];
        BinaryPrimitives.WriteInt32LittleEndian(record, k.Length);
        k.CopyTo(record, 4);
        v.CopyTo(record, 4 + k.Length);
        return record;
    }

    /// <summary>Epoch 1 as the old build published it: murmur3 partitions, epoch and index headers.</summary>
    private void ProduceAsOldBuild(IReadOnlyList<string> keys, Func<int, bool> delivered)
    {
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = Kafka.BootstrapServers }).Build();
        for (var i = 0; i < keys.Count; i++)
        {
            if (delivered(i))
            {
                producer.Produce(new TopicPartition(Topic, OldPartition(keys[i])), new Message<byte[], byte[]>
                {
                    Key = Encoding.UTF8.GetBytes(keys[i]),
                    Value = Encoding.UTF8.GetBytes(Value(i)),
                    Headers = new Headers { { "actorflow.epoch", "1"u8.ToArray() }, { "actorflow.index", Encoding.ASCII.GetBytes(i.ToString(CultureInfo.InvariantCulture)) } },
                });
            }
        }

        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
    }

    /// <summary>This build publishes epoch 1 again from the checkpoint record the old build stored.</summary>
    private async Task PublishStoredAsync(IReadOnlyList<string> keys)
    {
        var settings = ProducerSettings<byte[], byte[]>.Create(Sys, null, null).WithBootstrapServers(Kafka.BootstrapServers);
        var sink = (ICheckpointedSink<string>)KafkaConnectors.ExactlyOnceSink<string>(settings, Topic, k => (Encoding.UTF8.GetBytes(k), Encoding.UTF8.GetBytes(k)));
        try
        {
            await sink.PublishAsync(1, [.. keys.Select((k, i) => OldLayout(k, Value(i)))], CancellationToken.None);
        }
        finally
        {
            ((IDisposable)sink).Dispose();
        }
    }

    private List<string> ReadAll() => [.. ReadTopic(Partitions).Select(r => Text(r.Message.Value))];
}

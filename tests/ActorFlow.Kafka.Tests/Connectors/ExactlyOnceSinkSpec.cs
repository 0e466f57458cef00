using System.Globalization;
using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Settings;
using ActorFlow.Kafka.Tests.Consumer;
using ActorFlow.Topology.Connectors;
using Confluent.Kafka;
using Xunit.Abstractions;

namespace ActorFlow.Kafka.Tests.Connectors;

/// <summary>The exactly-once sink's publish: the clients it builds, what it writes, what it skips.</summary>
public sealed class ExactlyOnceSinkSpec(ITestOutputHelper output) : KafkaSpecBase(output, partitions: Partitions)
{
    private const int Partitions = 3;

    /// <summary>
    /// Verify that the consumer reading the partitions' last records connects as the producer does (on a SASL or SSL
    /// cluster a consumer built from bootstrap.servers alone cannot read them, and every checkpoint fails), without the
    /// producer-only properties.
    /// </summary>
    [Fact]
    public void The_tail_consumer_must_connect_with_the_sinks_client_settings()
    {
        var settings = ProducerSettings<byte[], byte[]>.Create(Sys, null, null)
            .WithBootstrapServers("broker-1:9093")
            .WithProperties(new Dictionary<string, string>
            {
                ["security.protocol"] = "SASL_SSL",
                ["sasl.mechanism"] = "SCRAM-SHA-512",
                ["sasl.username"] = "jobs",
                ["sasl.password"] = "secret",
                ["ssl.ca.location"] = "/etc/kafka/ca.pem",
                ["ssl.endpoint.identification.algorithm"] = "https",
                ["client.id"] = "clicks-job",
                ["socket.keepalive.enable"] = "true",
                ["acks"] = "all",
                ["compression.type"] = "zstd",
                ["transactional.id"] = "t-1",
                ["dotnet.producer.enable.delivery.reports"] = "true",
            });
        using var sink = new ExactlyOnceKafkaSink<string>(settings, Topic, s => (null, Encoding.UTF8.GetBytes(s)));

        var config = sink.TailConsumerConfig().ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

        Assert.Equal("broker-1:9093", config["bootstrap.servers"]);
        Assert.Equal("SASL_SSL", config["security.protocol"]);
        Assert.Equal("SCRAM-SHA-512", config["sasl.mechanism"]);
        Assert.Equal("jobs", config["sasl.username"]);
        Assert.Equal("secret", config["sasl.password"]);
        Assert.Equal("/etc/kafka/ca.pem", config["ssl.ca.location"]);
        Assert.Equal("https", config["ssl.endpoint.identification.algorithm"]);
        Assert.Equal("clicks-job", config["client.id"]);
        Assert.Equal("true", config["socket.keepalive.enable"]);
        Assert.Equal("false", config["enable.auto.commit"], ignoreCase: true);
        Assert.StartsWith("actorflow-tail-", config["group.id"], StringComparison.Ordinal);
        foreach (var producerOnly in new[] { "acks", "compression.type", "transactional.id", "linger.ms", "batch.num.messages", "partitioner", "dotnet.producer.enable.delivery.reports" })
        {
            Assert.DoesNotContain(producerOnly, config.Keys);
        }
    }

    /// <summary>
    /// Verify that the sink's producer stops with a fatal error rather than leave a gap in a partition (librdkafka's
    /// gapless guarantee, with idempotence and acks=all), whatever the settings say: recovery takes a partition's tail as
    /// the unbroken prefix of the epoch, so a failed batch followed by a delivered one would lose the failed records.
    /// </summary>
    [Fact]
    public void The_producer_must_stop_rather_than_leave_a_gap()
    {
        var settings = ProducerSettings<byte[], byte[]>.Create(Sys, null, null)
            .WithBootstrapServers(Kafka.BootstrapServers)
            .WithProperty("enable.gapless.guarantee", "false")
            .WithProperty("acks", "1");
        using var sink = new ExactlyOnceKafkaSink<string>(settings, Topic, s => (null, Encoding.UTF8.GetBytes(s)));

        var config = sink.ProducerConfig().ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

        Assert.Equal("true", config["enable.gapless.guarantee"], ignoreCase: true);
        Assert.Equal("true", config["enable.idempotence"], ignoreCase: true);
        Assert.Equal("all", config["acks"], ignoreCase: true);
    }

    /// <summary>
    /// Verify that a sink whose settings carry client properties and producer-only ones (the module's defaults
    /// linger.ms, batch.num.messages, partitioner; a Confluent.Kafka producer option a consumer refuses) still reads
    /// the tails and publishes.
    /// </summary>
    [Fact]
    public async Task A_sink_with_client_and_producer_properties_must_publish()
    {
        var settings = ProducerSettings<byte[], byte[]>.Create(Sys, null, null)
            .WithBootstrapServers(Kafka.BootstrapServers)
            .WithProperty("security.protocol", "plaintext")
            .WithProperty("client.id", "eos-spec")
            .WithProperty("dotnet.producer.enable.background.poll", "true");
        using var sink = new ExactlyOnceKafkaSink<string>(settings, Topic, s => (null, Encoding.UTF8.GetBytes(s)));

        await sink.PublishAsync(1, [.. new[] { "a", "b", "c" }.Select(v => sink.Encode(v))], CancellationToken.None);

        Assert.Equal(["a", "b", "c"], ReadAll().Select(r => Text(r.Message.Value)).Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// Verify that a null value is published as a tombstone (as the plain sink writes it) with its key and headers, and
    /// that publishing the epoch again (recovery, a new sink) skips it like any record already there.
    /// </summary>
    [Fact]
    public async Task A_null_value_must_be_published_as_a_tombstone_once()
    {
        var values = Enumerable.Range(0, 12).Select(i => i % 3 == 0 ? null : "v" + i.ToString(CultureInfo.InvariantCulture)).ToList();
        var keys = values.Select((_, i) => "k" + i.ToString(CultureInfo.InvariantCulture)).ToList();
        var settings = ProducerSettings<byte[], byte[]>.Create(Sys, null, null).WithBootstrapServers(Kafka.BootstrapServers);
        Func<int, (byte[]? Key, byte[] Value)> encode = i => (Encoding.UTF8.GetBytes(keys[i]), values[i] is { } v ? Encoding.UTF8.GetBytes(v) : null!);
        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var sink = new ExactlyOnceKafkaSink<int>(settings, Topic, encode);
            await sink.PublishAsync(1, [.. Enumerable.Range(0, values.Count).Select(i => sink.Encode(i, 1_000 + i))], CancellationToken.None);
        }

        var read = ReadAll();
        Assert.Equal(values.Count, read.Count);
        foreach (var r in read)
        {
            var i = keys.IndexOf(Text(r.Message.Key));
            Assert.Equal(values[i], r.Message.Value is null ? null : Text(r.Message.Value));
            Assert.Equal(1_000 + i, r.Message.Timestamp.UnixTimestampMs);
            Assert.True(r.Message.Headers.TryGetLastBytes("actorflow.epoch", out var epoch));
            Assert.Equal("1", Encoding.ASCII.GetString(epoch));
        }
    }

    /// <summary>
    /// Verify that an epoch larger than the producer's queue (queue.buffering.max.messages) is published whole: the
    /// publish waits for room instead of failing with Local_QueueFull (a checkpoint failing, and failing again, for
    /// every epoch of more than 100 000 records with the default queue).
    /// </summary>
    [Fact]
    public async Task An_epoch_larger_than_the_producer_queue_must_be_published_whole()
    {
        var settings = ProducerSettings<byte[], byte[]>.Create(Sys, null, null)
            .WithBootstrapServers(Kafka.BootstrapServers)
            .WithProperty("queue.buffering.max.messages", "10")
            .WithProperty("batch.num.messages", "5");
        using var sink = new ExactlyOnceKafkaSink<int>(settings, Topic, i => (null, Encoding.UTF8.GetBytes(i.ToString(CultureInfo.InvariantCulture))));

        await sink.PublishAsync(1, [.. Enumerable.Range(0, 500).Select(i => sink.Encode(i))], CancellationToken.None);

        Assert.Equal(Enumerable.Range(0, 500), ReadAll().Select(r => int.Parse(Text(r.Message.Value), CultureInfo.InvariantCulture)).Order());
    }

    /// <summary>
    /// Verify that what another writer published does not count as published: a job started under a new name (or with
    /// an empty checkpoint store) counts its checkpoints from 1 again, and its epoch 1 went missing behind an older
    /// job's epoch 50 in the topic. Publishing the new writer's epoch again (its recovery) still skips what it wrote.
    /// </summary>
    [Fact]
    public async Task An_epoch_of_a_new_writer_must_be_published_after_a_larger_epoch_of_another()
    {
        var settings = ProducerSettings<byte[], byte[]>.Create(Sys, null, null).WithBootstrapServers(Kafka.BootstrapServers);
        Func<string, (byte[]? Key, byte[] Value)> encode = s => (Encoding.UTF8.GetBytes(s), Encoding.UTF8.GetBytes(s));
        var old = Enumerable.Range(0, 9).Select(i => "old-" + i.ToString(CultureInfo.InvariantCulture)).ToList();
        var fresh = Enumerable.Range(0, 9).Select(i => "new-" + i.ToString(CultureInfo.InvariantCulture)).ToList();
        using (var before = new ExactlyOnceKafkaSink<string>(settings, Topic, encode))
        {
            await before.PublishAsync(50, [.. old.Select(v => before.Encode(v))], "writer-a", CancellationToken.None);
        }

        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var sink = new ExactlyOnceKafkaSink<string>(settings, Topic, encode);
            await sink.PublishAsync(1, [.. fresh.Select(v => sink.Encode(v))], "writer-b", CancellationToken.None);
        }

        var read = ReadAll();
        Assert.Equal(old.Concat(fresh).Order(StringComparer.Ordinal), read.Select(r => Text(r.Message.Value)).Order(StringComparer.Ordinal));
        Assert.All(read, r =>
        {
            Assert.True(r.Message.Headers.TryGetLastBytes("actorflow.writer", out var writer));
            Assert.Equal(Text(r.Message.Value).StartsWith("old-", StringComparison.Ordinal) ? "writer-a" : "writer-b", Text(writer));
        });
    }

    /// <summary>
    /// Verify that a partition's last record without a writer header (published before writer ids were kept) counts as
    /// before: a writer republishing that epoch skips it.
    /// </summary>
    [Fact]
    public async Task A_last_record_without_a_writer_must_count_for_any_writer()
    {
        var settings = ProducerSettings<byte[], byte[]>.Create(Sys, null, null).WithBootstrapServers(Kafka.BootstrapServers);
        Func<string, (byte[]? Key, byte[] Value)> encode = s => (Encoding.UTF8.GetBytes(s), Encoding.UTF8.GetBytes(s));
        var values = Enumerable.Range(0, 9).Select(i => "v" + i.ToString(CultureInfo.InvariantCulture)).ToList();
        using (var before = new ExactlyOnceKafkaSink<string>(settings, Topic, encode))
        {
            await ((ICheckpointedSink<string>)before).PublishAsync(7, [.. values.Select(v => before.Encode(v))], CancellationToken.None);
        }

        using (var after = new ExactlyOnceKafkaSink<string>(settings, Topic, encode))
        {
            await after.PublishAsync(7, [.. values.Select(v => after.Encode(v))], "writer-a", CancellationToken.None);
        }

        Assert.Equal(values, ReadAll().Select(r => Text(r.Message.Value)).Order(StringComparer.Ordinal));
    }

    private List<ConsumeResult<byte[], byte[]>> ReadAll() => ReadTopic(Partitions);
}

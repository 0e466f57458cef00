using System.Globalization;
using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Settings;
using ActorFlow.Kafka.Tests.Consumer;
using Confluent.Kafka;
using Xunit.Abstractions;

namespace ActorFlow.Kafka.Tests.Connectors;

/// <summary>
/// A publish of the exactly-once sink whose flush timed out (the broker away longer than the flush timeout, the
/// records' message.timeout.ms longer still) fails, and its retry reads the partitions' tails again. The records the
/// failed attempt left queued must not arrive besides the retry's: the sink used to keep that producer, which delivered
/// them once the broker was back, after the retry had written them again.
/// </summary>
public sealed class TimedOutPublishSpec(ITestOutputHelper output) : KafkaSpecBase(output, partitions: 1)
{
    /// <summary>Verify that an epoch retried after a timed-out publish is in the topic once.</summary>
    [Fact]
    public async Task An_epoch_retried_after_a_timed_out_publish_must_be_in_the_topic_once()
    {
        var settings = ProducerSettings<byte[], byte[]>.Create(Sys, null, null)
            .WithBootstrapServers(Kafka.BootstrapServers)
            .WithFlushTimeout(TimeSpan.FromSeconds(3))
            .WithProperty("message.timeout.ms", "120000")
            .WithProperty("retry.backoff.ms", "250")
            .WithProperty("retry.backoff.max.ms", "250");
        using var sink = new ExactlyOnceKafkaSink<string>(settings, Topic, s => (null, Encoding.UTF8.GetBytes(s)));
        await sink.PublishAsync(1, [sink.Encode("first")], "writer", CancellationToken.None);
        var epoch = Enumerable.Range(0, 10).Select(i => "e2-" + i.ToString(CultureInfo.InvariantCulture)).ToList();

        // The broker refuses the next Produce requests (a retriable error: the producer keeps the records and tries
        // again) for longer than the flush timeout, while the tails stay readable: the publish times out with the
        // epoch still queued, and the retry reads tails without it.
        Kafka.PushRequestErrors(0, [.. Enumerable.Repeat(ErrorCode.NotEnoughReplicas, 24)]);
        await Assert.ThrowsAsync<KafkaException>(() => sink.PublishAsync(2, [.. epoch.Select(v => sink.Encode(v))], "writer", CancellationToken.None));
        await AwaitAssertAsync(
            () => sink.PublishAsync(2, [.. epoch.Select(v => sink.Encode(v))], "writer", CancellationToken.None),
            TimeSpan.FromSeconds(60),
            TimeSpan.FromMilliseconds(100));

        // What the failed attempt left queued would be delivered as soon as the errors run out: read the expected
        // records, then on until the topic has been quiet for 5 s.
        List<string> expected = ["first", .. epoch];
        Assert.Equal(expected, ReadUntilQuiet(expected.Count, TimeSpan.FromSeconds(5)));
    }

    /// <summary>
    /// Reads the topic from the beginning until it holds <paramref name="expected"/> records (30 s at most: a fresh
    /// consumer's bootstrap, metadata and first fetch can take longer than the quiet tail on a loaded machine), then
    /// on until no record came for <paramref name="quiet"/> (late duplicates arrive then).
    /// </summary>
    private List<string> ReadUntilQuiet(int expected, TimeSpan quiet)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = Kafka.BootstrapServers, GroupId = "read-" + Guid.NewGuid().ToString("N") }).Build();
        consumer.Assign(new TopicPartitionOffset(Topic, 0, Offset.Beginning));
        var read = new List<string>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (read.Count < expected && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { } r)
            {
                read.Add(Encoding.UTF8.GetString(r.Message.Value));
            }
        }

        while (consumer.Consume(quiet) is { } r)
        {
            read.Add(Encoding.UTF8.GetString(r.Message.Value));
        }

        return read;
    }
}

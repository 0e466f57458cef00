using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Settings;
using ActorFlow.Kafka.Tests.Consumer;
using Confluent.Kafka;
using Xunit.Abstractions;

namespace ActorFlow.Kafka.Tests.Connectors;

/// <summary>
/// Before it publishes an epoch, the exactly-once sink reads each partition's last record to see what an earlier
/// attempt wrote. A read that gets no answer in time (fetches failing while a leader moves) is no answer: the sink used
/// to take it for "no sink record there" and wrote the epoch a second time.
/// </summary>
public sealed class UnansweredTailReadSpec(ITestOutputHelper output) : KafkaSpecBase(output, partitions: 1)
{
    /// <summary>
    /// Verify that a recovery's publish of an epoch already in the topic, while the broker fails fetches for longer
    /// than the flush timeout, fails rather than writing it again, and that retried once fetches answer, the epoch is
    /// in the topic once.
    /// </summary>
    [Fact]
    public async Task A_tail_read_without_an_answer_must_fail_the_publish_not_repeat_the_epoch()
    {
        var settings = ProducerSettings<byte[], byte[]>.Create(Sys, null, null)
            .WithBootstrapServers(Kafka.BootstrapServers)
            .WithFlushTimeout(TimeSpan.FromSeconds(3));
        string[] epoch = ["a", "b", "c"];
        using (var first = new ExactlyOnceKafkaSink<string>(settings, Topic, s => (null, Encoding.UTF8.GetBytes(s))))
        {
            await first.PublishAsync(1, [.. epoch.Select(v => first.Encode(v))], "writer", CancellationToken.None);
        }

        // A recovered job publishes epoch 1 again with a new sink while every Fetch fails for a while.
        using var recovered = new ExactlyOnceKafkaSink<string>(settings, Topic, s => (null, Encoding.UTF8.GetBytes(s)));
        Kafka.PushRequestErrors(1, [.. Enumerable.Repeat(ErrorCode.NotLeaderForPartition, 20)]);
        var e = await Assert.ThrowsAsync<KafkaException>(() => recovered.PublishAsync(1, [.. epoch.Select(v => recovered.Encode(v))], "writer", CancellationToken.None));
        Assert.Contains("reading the last record", e.Message, StringComparison.Ordinal);
        await AwaitAssertAsync(
            () => recovered.PublishAsync(1, [.. epoch.Select(v => recovered.Encode(v))], "writer", CancellationToken.None),
            TimeSpan.FromSeconds(90),
            TimeSpan.FromMilliseconds(200));

        Assert.Equal(epoch, ReadTopic(1).Select(r => Encoding.UTF8.GetString(r.Message.Value)));
    }
}

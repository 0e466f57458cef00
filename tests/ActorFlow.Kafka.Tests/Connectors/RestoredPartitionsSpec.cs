using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Settings;
using ActorFlow.Topology.Connectors;

namespace ActorFlow.Kafka.Tests.Connectors;

/// <summary>
/// The restored partitions that hold a restarted job's watermark before the group assigns them are those of the
/// subscribed topics (names and ^patterns) that the cluster still has: a partition of a deleted topic would never be
/// assigned and would hold event time for good. A manual assignment announces its partitions at once: none.
/// </summary>
public sealed class RestoredPartitionsSpec
{
    /// <summary>Verify that only subscribed partitions the cluster has are expected, and that a pattern .NET cannot parse matches nothing.</summary>
    [Fact]
    public void Only_existing_subscribed_partitions_must_be_expected()
    {
        using var kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Topics = new Dictionary<string, int> { ["clicks"] = 2, ["dated-2026"] = 1, ["other"] = 1 } });
        var settings = ConsumerSettings<byte[], byte[]>.Create(KafkaDefaults.Config, null, null).WithBootstrapServers(kafka.BootstrapServers).WithGroupId("g");
        var restored = new Dictionary<string, long>(StringComparer.Ordinal)
        {
            ["clicks/0"] = 5,
            ["clicks/1"] = 7,
            ["clicks/5"] = 1,
            ["dated-2025/0"] = 3,
            ["dated-2026/0"] = 2,
            ["other/0"] = 9,
        };

        var subscribed = KafkaConnectors.Source(settings, Subscriptions.Topics("clicks", "^dated-.*", "^("), r => r.Offset.Value);
        var assigned = KafkaConnectors.Source(settings, Subscriptions.Assignment(new Confluent.Kafka.TopicPartition("clicks", 0)), r => r.Offset.Value);

        Assert.Equal(["clicks/0", "clicks/1", "dated-2026/0"], subscribed.RestoredPartitions(restored).Order(StringComparer.Ordinal));
        Assert.Empty(assigned.RestoredPartitions(restored));
    }
}

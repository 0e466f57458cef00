using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Consumer.Internal;
using ActorFlow.Kafka.Settings;
using Confluent.Kafka;

namespace ActorFlow.Kafka.Tests.Consumer;

/// <summary>
/// A consumer without <c>group.id</c> (a manual assignment) has no group to commit a checkpoint's offsets to: the commit
/// is skipped, as Flink's KafkaSource turns its commit on checkpoint off without a group id, instead of failing at every
/// checkpoint (which also skipped the pruning of old checkpoints behind it).
/// </summary>
public sealed class NoGroupCommitSpec
{
    private static readonly TopicPartition Partition = new("orders", 0);

    /// <summary>Verify that the checkpoint commit of an assigned partition completes at once without a group id, and is queued for the consumer with one.</summary>
    [Fact]
    public void A_checkpoint_commit_without_a_group_id_must_complete_without_committing()
    {
        var settings = ConsumerSettings<byte[], byte[]>.Create(KafkaDefaults.Config, null, null).WithBootstrapServers("127.0.0.1:1");
        using var withoutGroup = new ConsumerHub<byte[], byte[]>(settings, Subscriptions.Assignment(Partition), new NoHubListener());
        withoutGroup.OnAssigned([Partition]);
        using var withGroup = new ConsumerHub<byte[], byte[]>(settings.WithGroupId("g"), Subscriptions.Assignment(Partition), new NoHubListener());
        withGroup.OnAssigned([Partition]);

        var skipped = withoutGroup.CommitCurrentAsync([new TopicPartitionOffset(Partition, 5)]);
        var queued = withGroup.CommitCurrentAsync([new TopicPartitionOffset(Partition, 5)]);

        Assert.True(skipped.IsCompletedSuccessfully);
        Assert.False(queued.IsCompleted); // waits for the poll thread (not running here) to commit it
    }
}

using Confluent.Kafka;

namespace ActorFlow.Kafka.Consumer.Internal;

/// <summary>INTERNAL API. One offset to commit: the next offset to read, and the assignment generation it was read in.</summary>
internal readonly record struct PendingCommit(TopicPartition Partition, long NextOffset, int Generation);

/// <summary>INTERNAL API. The consumer that commits offsets (a <see cref="ConsumerHub{TKey,TValue}"/>).</summary>
internal interface ICommitTarget
{
    Task CommitAsync(IReadOnlyList<PendingCommit> offsets);
}

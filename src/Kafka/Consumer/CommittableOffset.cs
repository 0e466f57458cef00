using ActorFlow.Kafka.Consumer.Internal;
using Confluent.Kafka;

namespace ActorFlow.Kafka.Consumer;

/// <summary>Something that can be committed to the consumer group: one offset or a batch of them.</summary>
public interface ICommittable
{
    /// <summary>Commits to the consumer group. Offsets of partitions this consumer no longer owns are skipped.</summary>
    Task CommitAsync();
}

/// <summary>The offset of one consumed record, committable to the consumer that read it.</summary>
public sealed class CommittableOffset : ICommittable
{
    internal CommittableOffset(ICommitTarget target, TopicPartitionOffset offset, int generation)
    {
        Target = target;
        Offset = offset;
        Generation = generation;
    }

    /// <summary>The record's topic, partition and offset. Committing stores <c>Offset + 1</c>, the next record to read.</summary>
    public TopicPartitionOffset Offset { get; }

    internal ICommitTarget Target { get; }

    internal int Generation { get; }

    /// <inheritdoc />
    public Task CommitAsync() => CommittableOffsetBatch.Empty.Updated(this).CommitAsync();

    /// <inheritdoc />
    public override string ToString() => $"CommittableOffset({Offset})";
}

/// <summary>A consumed record together with its committable offset.</summary>
/// <param name="Record">The consumed record.</param>
/// <param name="CommittableOffset">Commit this once the record is processed.</param>
public sealed record CommittableMessage<TKey, TValue>(ConsumeResult<TKey, TValue> Record, CommittableOffset CommittableOffset);

using Confluent.Kafka;

namespace ActorFlow.Kafka.Consumer;

/// <summary>What a consumer stage reads: topics through the consumer group, or fixed partitions.</summary>
public interface ISubscription
{
}

/// <summary>Subscribes to topics through the consumer group; partitions are assigned and revoked by rebalances.</summary>
/// <param name="Topics">The topics.</param>
/// <param name="OffsetsOnAssign">
/// Optional: called on the consumer's poll thread when partitions are assigned; it returns where each assigned
/// partition starts (for example the offsets of a checkpoint record). Partitions it leaves out start at the
/// committed offset (or <c>auto.offset.reset</c>).
/// </param>
public sealed record TopicSubscription(
    IReadOnlyList<string> Topics,
    Func<IReadOnlyList<TopicPartition>, IEnumerable<TopicPartitionOffset>>? OffsetsOnAssign = null) : ISubscription;

/// <summary>
/// Reads the given partitions without group management, from the given offsets. No <c>group.id</c> is needed: without
/// one the consumer gets a generated group of its own, so <see cref="Offset.Stored"/> starts at <c>auto.offset.reset</c>.
/// </summary>
/// <param name="Partitions">Partitions and their start offsets (<see cref="Offset.Stored"/> = the group's committed offset).</param>
public sealed record ManualAssignment(IReadOnlyList<TopicPartitionOffset> Partitions) : ISubscription
{
    /// <summary>
    /// INTERNAL API. End offsets of bounded partitions (the bounded source's): a partition ends once the consumer's
    /// position reaches its end and its records are taken, also when the offsets before the end hold no record a
    /// consumer returns (transaction markers, aborted or compacted records).
    /// </summary>
    internal IReadOnlyDictionary<TopicPartition, long>? Ends { get; init; }
}

/// <summary>Factories for <see cref="ISubscription"/>.</summary>
public static class Subscriptions
{
    /// <summary>Subscribes to <paramref name="topics"/> through the consumer group.</summary>
    public static TopicSubscription Topics(params string[] topics)
    {
        ArgumentNullException.ThrowIfNull(topics);
        if (topics.Length == 0 || topics.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("A subscription needs at least one non-empty topic name.", nameof(topics));
        }

        return new TopicSubscription(topics);
    }

    /// <summary>Reads <paramref name="partitions"/> from the group's committed offsets (or <c>auto.offset.reset</c>).</summary>
    public static ManualAssignment Assignment(params TopicPartition[] partitions) =>
        AssignmentWithOffset(partitions.Select(p => new TopicPartitionOffset(p, Offset.Stored)).ToArray());

    /// <summary>Reads each partition from the given offset.</summary>
    public static ManualAssignment AssignmentWithOffset(params TopicPartitionOffset[] partitions)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        if (partitions.Length == 0)
        {
            throw new ArgumentException("An assignment needs at least one partition.", nameof(partitions));
        }

        return new ManualAssignment(partitions);
    }
}

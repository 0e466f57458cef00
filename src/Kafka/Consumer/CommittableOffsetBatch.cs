using System.Collections.Immutable;
using ActorFlow.Kafka.Consumer.Internal;
using Confluent.Kafka;

namespace ActorFlow.Kafka.Consumer;

/// <summary>
/// The highest offset per partition (and consumer) of a set of committable offsets. Immutable:
/// <see cref="Updated(CommittableOffset)"/> returns a new batch.
/// </summary>
public sealed class CommittableOffsetBatch : ICommittable
{
    private readonly ImmutableDictionary<(ICommitTarget Target, TopicPartition Partition), CommittableOffset> _offsets;

    private CommittableOffsetBatch(ImmutableDictionary<(ICommitTarget, TopicPartition), CommittableOffset> offsets, long count)
    {
        _offsets = offsets;
        BatchSize = count;
    }

    /// <summary>The empty batch.</summary>
    public static CommittableOffsetBatch Empty { get; } = new(ImmutableDictionary<(ICommitTarget, TopicPartition), CommittableOffset>.Empty, 0);

    /// <summary>How many offsets were folded into this batch.</summary>
    public long BatchSize { get; }

    /// <summary>The highest offset per partition.</summary>
    public IReadOnlyList<TopicPartitionOffset> Offsets => _offsets.Values.Select(o => o.Offset).ToList();

    /// <summary>A batch holding <paramref name="offsets"/>.</summary>
    public static CommittableOffsetBatch From(IEnumerable<ICommittable> offsets)
    {
        ArgumentNullException.ThrowIfNull(offsets);
        var highest = new Dictionary<(ICommitTarget, TopicPartition), CommittableOffset>();
        long count = 0;
        foreach (var o in offsets)
        {
            switch (o)
            {
                case CommittableOffset single:
                    Keep(highest, single);
                    count++;
                    break;
                case CommittableOffsetBatch other:
                    foreach (var each in other._offsets.Values)
                    {
                        Keep(highest, each);
                    }

                    count += other.BatchSize;
                    break;
                default:
                    throw new ArgumentException($"Unknown committable {o.GetType().Name}.", nameof(offsets));
            }
        }

        return new CommittableOffsetBatch(highest.ToImmutableDictionary(), count);
    }

    /// <summary>This batch with <paramref name="offset"/> added (kept if higher than the partition's current one).</summary>
    public CommittableOffsetBatch Updated(CommittableOffset offset)
    {
        ArgumentNullException.ThrowIfNull(offset);
        var key = (offset.Target, offset.Offset.TopicPartition);
        if (_offsets.TryGetValue(key, out var current) && !IsNewer(offset, current))
        {
            return new CommittableOffsetBatch(_offsets, BatchSize + 1);
        }

        return new CommittableOffsetBatch(_offsets.SetItem(key, offset), BatchSize + 1);
    }

    /// <summary>This batch merged with <paramref name="other"/>.</summary>
    public CommittableOffsetBatch Updated(CommittableOffsetBatch other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var result = this;
        foreach (var o in other._offsets.Values)
        {
            result = result.Updated(o);
        }

        return new CommittableOffsetBatch(result._offsets, BatchSize + other.BatchSize);
    }

    private static void Keep(Dictionary<(ICommitTarget, TopicPartition), CommittableOffset> highest, CommittableOffset offset)
    {
        var key = (offset.Target, offset.Offset.TopicPartition);
        if (!highest.TryGetValue(key, out var current) || IsNewer(offset, current))
        {
            highest[key] = offset;
        }
    }

    private static bool IsNewer(CommittableOffset candidate, CommittableOffset current) =>
        candidate.Generation > current.Generation ||
        (candidate.Generation == current.Generation && candidate.Offset.Offset.Value > current.Offset.Offset.Value);

    /// <inheritdoc />
    public Task CommitAsync()
    {
        if (_offsets.IsEmpty)
        {
            return Task.CompletedTask;
        }

        var tasks = _offsets.Values
            .GroupBy(o => o.Target)
            .Select(g => g.Key.CommitAsync(g.Select(o => new PendingCommit(o.Offset.TopicPartition, o.Offset.Offset.Value + 1, o.Generation)).ToList()));
        return Task.WhenAll(tasks);
    }

    /// <inheritdoc />
    public override string ToString() => $"CommittableOffsetBatch({string.Join(", ", Offsets)})";
}

using System.Text.RegularExpressions;
using ActorFlow.Kafka.Settings;
using Confluent.Kafka;

namespace ActorFlow.Kafka.Consumer.Internal;

/// <summary>Where each assigned partition starts, resolved at assignment (Flink's split state holds it the same way).</summary>
internal sealed partial class ConsumerHub<TKey, TValue>
{
    /// <summary>
    /// Whether each assigned partition's start is resolved to an offset at assignment (the restored or chosen offset,
    /// else the group's committed one, else <c>auto.offset.reset</c>'s end of the partition) and the consumer assigned
    /// there, so that <see cref="StartOf"/> names it before the partition delivers a record. Off: the consumer resolves
    /// a logical start itself, when it first fetches.
    /// <para>
    /// On, a partition revoked and assigned again in this hub's life (a consumer-group rebalance: another member joined
    /// and left, or this one lost its partitions and rejoined) starts right after the last record its earlier
    /// assignment handed out (<see cref="_handedOut"/>), not at the restored or committed offset: those records went
    /// downstream once already, and a job that counted them would count them again (Flink's source keeps reading its
    /// splits from its own state, not from the group's offsets).
    /// </para>
    /// </summary>
    public bool ResolveStarts { get; init; }

    // Per partition, the offset after the last record handed out by an assignment that was revoked since (ResolveStarts
    // only): where the partition starts when it is assigned again. Poll thread, under _lock.
    private readonly Dictionary<TopicPartition, long> _handedOut = [];

    // The run's initial partitions (ResolveStarts only): the subscribed topics' partitions the cluster's metadata named
    // at the first assignment, with every partition assigned since; null until known. Poll thread.
    private HashSet<TopicPartition>? _initialPartitions;

    /// <summary>
    /// The partitions of <paramref name="assigned"/> (a subscription's assignment) that are new to this run: neither in
    /// the subscribed topics when the run's first assignment came (as the cluster's metadata named them then) nor
    /// assigned before, so created (or matched by the subscription's pattern) after the run started. Such a partition
    /// without a committed offset starts at its beginning, not at <c>auto.offset.reset</c>'s, as Flink's Kafka source
    /// starts the partitions it discovers after its initial discovery at the earliest offset: <c>latest</c> would skip
    /// what was written to the partition before the consumer was given it. When the metadata cannot be read, the first
    /// assignment that names a partition stands for the initial ones (an empty one, which a group with more members
    /// than partitions gives, does not).
    /// </summary>
    private HashSet<TopicPartition> NewToRun(IConsumer<TKey, TValue> consumer, IReadOnlyList<TopicPartition> assigned)
    {
        if (_initialPartitions is null)
        {
            var existing = (ExistingPartitionsLookup ?? ExistingPartitions)(consumer);
            if (existing is null && assigned.Count == 0)
            {
                return [];
            }

            _initialPartitions = existing ?? [];
            _initialPartitions.UnionWith(assigned);
            return [];
        }

        var fresh = assigned.Where(p => !_initialPartitions.Contains(p)).ToHashSet();
        _initialPartitions.UnionWith(assigned);
        return fresh;
    }

    /// <summary>
    /// A partition <see cref="NewToRun"/> called new whose start stayed logical (its lookups failed) stays new for the
    /// next assignment: revoked before it handed out a record, it has no resolved start to resume at, and as an initial
    /// partition it would start at <c>auto.offset.reset</c>'s then.
    /// </summary>
    private void KeepNewUntilResolved(List<TopicPartitionOffset> starts, HashSet<TopicPartition> newToRun)
    {
        if (newToRun.Count == 0 || _initialPartitions is null)
        {
            return;
        }

        foreach (var start in starts)
        {
            if (start.Offset.Value < 0 && newToRun.Contains(start.TopicPartition))
            {
                _initialPartitions.Remove(start.TopicPartition);
            }
        }
    }

    /// <summary>INTERNAL API. Replaces the metadata lookup of the run's initial partitions (tests).</summary>
    internal Func<IConsumer<TKey, TValue>, HashSet<TopicPartition>?>? ExistingPartitionsLookup { get; init; }

    /// <summary>Whether <paramref name="topic"/> is one of <paramref name="subscribed"/>: a name, or a pattern starting with <c>^</c> (as librdkafka reads a subscription).</summary>
    internal static bool IsSubscribed(IReadOnlyCollection<string> subscribed, string topic) =>
        subscribed.Any(t => t.StartsWith('^') ? Regex.IsMatch(topic, t, RegexOptions.CultureInvariant) : string.Equals(t, topic, StringComparison.Ordinal));

    /// <summary>
    /// The partitions of the subscribed topics (<see cref="IsSubscribed"/>) as the cluster's metadata names them now
    /// (a topic it reports an error for other than not existing too: naming more initial partitions only keeps their
    /// starts as the subscription says), or null when it cannot be read in time.
    /// </summary>
    internal HashSet<TopicPartition>? ExistingPartitions(IConsumer<TKey, TValue> consumer)
    {
        if (_subscription is not TopicSubscription subscription)
        {
            return null;
        }

        try
        {
            using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
            var metadata = admin.GetMetadata(_settings.ConnectionTimeout < MetadataBudget ? _settings.ConnectionTimeout : MetadataBudget);
            return metadata.Topics
                .Where(t => t.Error.Code != ErrorCode.UnknownTopicOrPart && IsSubscribed(subscription.Topics, t.Topic))
                .SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Topic, p.PartitionId)))
                .ToHashSet();
        }
        catch (Exception e) when (e is KafkaException or ArgumentException)
        {
            return null; // no metadata, or a pattern .NET cannot parse: the first assignment stands for the initial partitions
        }
    }

    /// <summary>Most time the initial partitions' metadata lookup takes on the poll thread.</summary>
    internal static readonly TimeSpan MetadataBudget = TimeSpan.FromSeconds(5);

    /// <summary>Records where each revoked buffer stopped handing out records, or started if it handed out none (under <c>_lock</c>).</summary>
    private void RememberHandedOut(PartitionBuffer<TKey, TValue> revoked)
    {
        // A buffer that handed nothing out resumes where it was resolved to start (a restart at the committed offset or
        // auto.offset.reset's would move a new partition from its beginning, or a latest start, past what it skipped).
        if (ResolveStarts && (revoked.Next ?? revoked.Start) is { } next)
        {
            _handedOut[revoked.Partition] = next;
        }
    }

    /// <summary><paramref name="starts"/> with each partition an earlier assignment handed records out of starting after them.</summary>
    private List<TopicPartitionOffset> AfterHandedOut(List<TopicPartitionOffset> starts)
    {
        lock (_lock)
        {
            foreach (var start in starts)
            {
                if (_buffers.TryGetValue(start.TopicPartition, out var replaced))
                {
                    RememberHandedOut(replaced); // assigned again without a revoke first (a guard): as a revoke would
                }
            }

            return _handedOut.Count == 0
                ? starts
                : [.. starts.Select(s => _handedOut.TryGetValue(s.TopicPartition, out var next) ? new TopicPartitionOffset(s.TopicPartition, next) : s)];
        }
    }

    /// <summary>The resolved start of <paramref name="partition"/>'s assignment <paramref name="generation"/>, or null.</summary>
    public long? StartOf(TopicPartition partition, int generation)
    {
        lock (_lock)
        {
            return _buffers.TryGetValue(partition, out var buffer) && buffer.Generation == generation ? buffer.Start : null;
        }
    }

    /// <summary>
    /// <paramref name="offsets"/> with each logical offset made concrete as the consumer would make it: a stored (or
    /// unset) one the group's committed offset, else <c>auto.offset.reset</c>'s (earliest: the partition's low
    /// watermark; latest: its high watermark, the last stable offset under read_committed; error: left as it is);
    /// beginning and end the low and high watermarks. Runs on the poll thread (in the rebalance callback), so it has one
    /// time budget, <see cref="ResolveBudget"/> at most: a lookup that fails or times out leaves that partition and the
    /// rest logical, where the consumer resolves them itself when it fetches (as before this was resolved here).
    /// </summary>
    /// <param name="consumer">The consumer.</param>
    /// <param name="offsets">The partitions and their chosen starts.</param>
    /// <param name="newToRun">Partitions new to the run (<see cref="NewToRun"/>): without a committed offset, their beginning instead of <c>auto.offset.reset</c>'s.</param>
    private List<TopicPartitionOffset> Resolve(IConsumer<TKey, TValue> consumer, IReadOnlyList<TopicPartitionOffset> offsets, IReadOnlySet<TopicPartition>? newToRun = null)
    {
        var budget = System.Diagnostics.Stopwatch.StartNew();
        var limit = _settings.ConnectionTimeout < ResolveBudget ? _settings.ConnectionTimeout : ResolveBudget;
        TimeSpan Left() => limit - budget.Elapsed > TimeSpan.FromMilliseconds(1) ? limit - budget.Elapsed : TimeSpan.FromMilliseconds(1);
        var reset = OffsetResets.Of(_settings.Properties.GetValueOrDefault("auto.offset.reset"));
        var stored = offsets.Where(o => LeftToGroup(o.Offset)).Select(o => o.TopicPartition).ToList();
        Dictionary<TopicPartition, Offset> committed = [];
        if (stored.Count > 0 && !string.IsNullOrWhiteSpace(_settings.GroupId))
        {
            try
            {
                committed = consumer.Committed(stored, Left()).ToDictionary(o => o.TopicPartition, o => o.Offset);
            }
            catch (KafkaException)
            {
                // The committed offsets are not known: the consumer resolves them itself, but a partition new to the run
                // starts at its beginning (auto.offset.reset's latest would skip what it held; one the group committed
                // is held by another member, which a job's group should not have).
                return [.. offsets.Select(o => newToRun is not null && newToRun.Contains(o.TopicPartition) && LeftToGroup(o.Offset)
                    ? new TopicPartitionOffset(o.TopicPartition, Offset.Beginning)
                    : o)];
            }
        }

        var resolved = new List<TopicPartitionOffset>(offsets.Count);
        var failed = false;
        foreach (var o in offsets)
        {
            var offset = o.Offset;
            var logical = LeftToGroup(offset);
            if (logical && committed.TryGetValue(o.TopicPartition, out var c) && c.Value >= 0)
            {
                offset = c;
                logical = false;
            }

            if (logical && newToRun is not null && newToRun.Contains(o.TopicPartition))
            {
                offset = Offset.Beginning; // logical still if its lookup fails: the consumer then starts it at the beginning itself
                logical = false;
            }

            var end = offset == Offset.End || (logical && reset == Offset.End);
            var beginning = offset == Offset.Beginning || (logical && reset == Offset.Beginning);
            if (!failed && (end || beginning))
            {
                try
                {
                    var marks = consumer.QueryWatermarkOffsets(o.TopicPartition, Left());
                    offset = end ? marks.High : marks.Low;
                }
                catch (KafkaException)
                {
                    failed = true; // the rest stay logical too: the rebalance callback does not wait on every partition
                }
            }

            resolved.Add(new TopicPartitionOffset(o.TopicPartition, offset));
        }

        return resolved;
    }

    /// <summary>Whether <paramref name="offset"/> leaves the start to the group: its committed offset, else <c>auto.offset.reset</c>.</summary>
    private static bool LeftToGroup(Offset offset) => offset == Offset.Stored || offset == Offset.Unset;

    /// <summary>Most time the resolution of one assignment's starts takes on the poll thread.</summary>
    internal static readonly TimeSpan ResolveBudget = TimeSpan.FromSeconds(10);
}

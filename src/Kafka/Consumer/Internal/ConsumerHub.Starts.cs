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
    /// </summary>
    public bool ResolveStarts { get; init; }

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
    /// watermark; latest: its high watermark; error: left as it is); beginning and end the low and high watermarks. A
    /// partition whose start cannot be resolved (a broker error) keeps its logical offset.
    /// </summary>
    private List<TopicPartitionOffset> Resolve(IConsumer<TKey, TValue> consumer, IReadOnlyList<TopicPartitionOffset> offsets)
    {
        var timeout = _settings.ConnectionTimeout;
        var config = _settings.ToConsumerConfig(needsGroup: false);
        var stored = offsets.Where(o => o.Offset.Value < 0 && (o.Offset == Offset.Stored || o.Offset == Offset.Unset)).Select(o => o.TopicPartition).ToList();
        Dictionary<TopicPartition, Offset> committed = [];
        if (stored.Count > 0 && !string.IsNullOrEmpty(config.GroupId))
        {
            try
            {
                committed = consumer.Committed(stored, timeout).ToDictionary(o => o.TopicPartition, o => o.Offset);
            }
            catch (KafkaException)
            {
                return [.. offsets]; // the committed offsets are not known: the consumer resolves them itself
            }
        }

        var resolved = new List<TopicPartitionOffset>(offsets.Count);
        foreach (var o in offsets)
        {
            var offset = o.Offset;
            if (offset.Value < 0 && committed.TryGetValue(o.TopicPartition, out var c) && c.Value >= 0)
            {
                offset = c;
            }

            var end = offset == Offset.End
                || ((offset == Offset.Stored || offset == Offset.Unset) && config.AutoOffsetReset == AutoOffsetReset.Latest);
            var beginning = offset == Offset.Beginning
                || ((offset == Offset.Stored || offset == Offset.Unset) && config.AutoOffsetReset is null or AutoOffsetReset.Earliest);
            if (end || beginning)
            {
                try
                {
                    var marks = consumer.QueryWatermarkOffsets(o.TopicPartition, timeout);
                    offset = end ? marks.High : marks.Low;
                }
                catch (KafkaException)
                {
                    // left logical: the consumer resolves it when it fetches
                }
            }

            resolved.Add(new TopicPartitionOffset(o.TopicPartition, offset));
        }

        return resolved;
    }
}

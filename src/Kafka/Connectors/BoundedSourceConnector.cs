using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Dsl;
using ActorFlow.Kafka.Settings;
using ActorFlow.Topology.Connectors;
using Akka;
using Akka.Streams.Dsl;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace ActorFlow.Kafka.Connectors;

/// <summary>
/// INTERNAL API. The bounded Kafka source of <see cref="KafkaConnectors.BoundedSource{T}"/>: every partition from its
/// start up to the end offset fixed when the connector first resolved it; then the partition set completes.
/// </summary>
internal sealed class BoundedSourceConnector<T>(ConsumerSettings<byte[], byte[]> settings, ISubscription subscription, Func<ConsumeResult<byte[], byte[]>, T> decode)
    : ISourceConnector<T>
{
    private readonly object _lock = new();
    private Dictionary<TopicPartition, long>? _ends;

    public Boundedness Boundedness => Boundedness.Bounded;

    public Source<(string Partition, Source<IReadOnlyList<SourceRecord<T>>, NotUsed> Records), ISourceControl> Partitions(IReadOnlyDictionary<string, long> startOffsets)
    {
        var plan = Resolve(startOffsets);
        var empty = plan.Where(p => p.Start >= p.End)
            .Select(p => (SourcePartitionIds.Format(p.Partition.Topic, p.Partition.Partition.Value), Source.Empty<IReadOnlyList<SourceRecord<T>>>()))
            .ToList();
        var reading = plan.Where(p => p.Start < p.End).ToList();
        if (reading.Count == 0)
        {
            return Source.From(empty).MapMaterializedValue(ISourceControl (_) => new Finished());
        }

        var ends = reading.ToDictionary(p => p.Partition, p => p.End);
        var left = reading.Count;
        IControl? control = null;
        var records = KafkaConsumer.PlainPartitionedChunkSource(settings, new ManualAssignment([.. reading.Select(p => new TopicPartitionOffset(p.Partition, p.Start))]) { Ends = ends })
            .Select(p =>
            {
                var origin = SourcePartitionIds.Format(p.Partition.Topic, p.Partition.Partition.Value);
                var end = ends[p.Partition];
                var sub = p.Records
                    .Select(chunk => Truncate(chunk, end))
                    .TakeWhile(chunk => chunk.Length == 0 || chunk[^1].Offset.Value < end - 1, inclusive: true)
                    .Where(chunk => chunk.Length > 0)
                    .Select(IReadOnlyList<SourceRecord<T>> (chunk) => KafkaConnectors.SourceConnector<T>.Decode(chunk, origin, decode))
                    .WatchTermination((mat, done) =>
                    {
                        // The last partition to reach its end stops the consumer: the partition set completes.
                        done.ContinueWith(
                            t =>
                            {
                                if (t.IsCompletedSuccessfully && Interlocked.Decrement(ref left) == 0)
                                {
                                    _ = control?.StopAsync();
                                }
                            },
                            TaskScheduler.Default);
                        return mat;
                    });
                return (origin, sub);
            })
            .MapMaterializedValue(c =>
            {
                control = c;
                return c;
            });
        return Source.From(empty)
            .ConcatMaterialized(records, (_, c) => (ISourceControl)new KafkaConnectors.Control(c));
    }

    /// <summary>The records of <paramref name="chunk"/> before <paramref name="end"/>.</summary>
    private static ConsumeResult<byte[], byte[]>[] Truncate(ConsumeResult<byte[], byte[]>[] chunk, long end)
    {
        var keep = chunk.Length;
        while (keep > 0 && chunk[keep - 1].Offset.Value >= end)
        {
            keep--;
        }

        return keep == chunk.Length ? chunk : chunk[..keep];
    }

    /// <summary>Every partition with its start and end (fixed at the first call) offsets.</summary>
    private List<(TopicPartition Partition, long Start, long End)> Resolve(IReadOnlyDictionary<string, long> startOffsets)
    {
        var timeout = settings.ConnectionTimeout;
        var config = settings.ToConsumerConfig(needsGroup: false);
        using var consumer = new ConsumerBuilder<byte[], byte[]>(config).SetLogHandler((_, _) => { }).SetErrorHandler((_, _) => { }).Build();
        List<TopicPartitionOffset> requested;
        try
        {
            requested = subscription switch
            {
                TopicSubscription topics => [.. PartitionsOf(consumer, topics.Topics, timeout).Select(tp => new TopicPartitionOffset(tp, Offset.Unset))],
                ManualAssignment manual => [.. manual.Partitions],
                _ => throw new NotSupportedException($"A bounded Kafka source reads a TopicSubscription or a ManualAssignment, not {subscription.GetType().Name}."),
            };

            lock (_lock)
            {
                if (_ends is null)
                {
                    _ends = EndOffsets(consumer, requested, config, timeout);
                }
            }

            var plan = new List<(TopicPartition, long, long)>(requested.Count);
            Dictionary<TopicPartition, Offset>? committed = null;
            foreach (var r in requested)
            {
                var tp = r.TopicPartition;
                var end = _ends.TryGetValue(tp, out var known) ? known : 0; // a partition that appeared after the first start: nothing to read
                long start;
                var reset = false;
                if (startOffsets.TryGetValue(SourcePartitionIds.Format(tp.Topic, tp.Partition.Value), out var restored))
                {
                    start = restored;
                }
                else if (r.Offset.Value >= 0)
                {
                    start = r.Offset.Value;
                }
                else if (r.Offset == Offset.Beginning || r.Offset == Offset.End)
                {
                    // Asked for explicitly (as Flink's OffsetsInitializer.earliest()/latest()): the group's offset does not count.
                    start = Reset(consumer, tp, r.Offset, config, timeout);
                    reset = true;
                }
                else
                {
                    committed ??= Committed(consumer, requested, config, timeout);
                    reset = !(committed.TryGetValue(tp, out var c) && c.Value >= 0);
                    start = reset ? Reset(consumer, tp, r.Offset, config, timeout) : c.Value;
                }

                if (!reset && start < end)
                {
                    start = InRange(consumer, tp, start, config, timeout);
                }

                plan.Add((tp, start, end));
            }

            return plan;
        }
        catch (Exception e) when (e is KafkaException or TimeoutException)
        {
            throw new InvalidOperationException(
                $"The bounded Kafka source could not look up the partitions and end offsets of {Describe()} at bootstrap.servers '{settings.BootstrapServers}' within {timeout}: {(e is KafkaException k ? k.Error.Reason : "no answer")}", e);
        }
    }

    private string Describe() => subscription switch
    {
        TopicSubscription topics => "topics " + string.Join(", ", topics.Topics),
        ManualAssignment manual => "partitions " + string.Join(", ", manual.Partitions.Select(p => p.TopicPartition.ToString())),
        _ => subscription.ToString() ?? "",
    };

    private static List<TopicPartition> PartitionsOf(IConsumer<byte[], byte[]> consumer, IReadOnlyList<string> topics, TimeSpan timeout)
    {
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        var partitions = new List<TopicPartition>();
        foreach (var topic in topics)
        {
            var metadata = admin.GetMetadata(topic, timeout).Topics.SingleOrDefault(t => t.Topic == topic);
            if (metadata is null || metadata.Error.IsError || metadata.Partitions.Count == 0)
            {
                throw new InvalidOperationException($"The bounded Kafka source cannot read topic '{topic}': {(metadata is null ? "no metadata" : metadata.Error.IsError ? metadata.Error.Reason : "it has no partitions")}.");
            }

            partitions.AddRange(metadata.Partitions.OrderBy(p => p.PartitionId).Select(p => new TopicPartition(topic, p.PartitionId)));
        }

        return partitions;
    }

    /// <summary>
    /// The end offset of every partition, as Flink's <c>OffsetsInitializer.latest()</c> finds it: ListOffsets with the
    /// consumer's isolation level, i.e. the last stable offset under <c>read_committed</c> (librdkafka's default; a
    /// transaction still open at the start is not waited for) and the high watermark under <c>read_uncommitted</c>.
    /// </summary>
    private static Dictionary<TopicPartition, long> EndOffsets(IConsumer<byte[], byte[]> consumer, List<TopicPartitionOffset> requested, ConsumerConfig config, TimeSpan timeout)
    {
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        var options = new ListOffsetsOptions
        {
            IsolationLevel = config.IsolationLevel == IsolationLevel.ReadUncommitted ? IsolationLevel.ReadUncommitted : IsolationLevel.ReadCommitted,
            RequestTimeout = timeout,
        };
        var specs = requested.Select(r => new TopicPartitionOffsetSpec { TopicPartition = r.TopicPartition, OffsetSpec = OffsetSpec.Latest() }).ToList();
        var listed = admin.ListOffsetsAsync(specs, options).WaitAsync(timeout).GetAwaiter().GetResult();
        return listed.ResultInfos.ToDictionary(r => r.TopicPartitionOffsetError.TopicPartition, r => r.TopicPartitionOffsetError.Offset.Value);
    }

    /// <summary>The consumer group's committed offsets (none without a configured group.id).</summary>
    private Dictionary<TopicPartition, Offset> Committed(IConsumer<byte[], byte[]> consumer, List<TopicPartitionOffset> partitions, ConsumerConfig config, TimeSpan timeout) =>
        string.IsNullOrWhiteSpace(settings.GroupId)
            ? []
            : consumer.Committed(partitions.Select(p => p.TopicPartition), timeout).ToDictionary(c => c.TopicPartition, c => c.Offset);

    /// <summary>
    /// Where a partition starts at a logical offset: the given <see cref="Offset.Beginning"/> or <see cref="Offset.End"/>,
    /// else (no committed offset) <c>auto.offset.reset</c>: earliest or latest; <c>error</c> (Kafka's <c>none</c>) fails,
    /// naming the partition, as the consumer does.
    /// </summary>
    private static long Reset(IConsumer<byte[], byte[]> consumer, TopicPartition tp, Offset requested, ConsumerConfig config, TimeSpan timeout)
    {
        var reset = requested == Offset.Beginning || requested == Offset.End ? requested : OffsetResets.Of(config.Get("auto.offset.reset"));
        if (reset == Offset.Unset)
        {
            throw new InvalidOperationException(
                $"The bounded Kafka source has no committed offset for {tp.Topic} [{tp.Partition.Value}] and auto.offset.reset is '{config.Get("auto.offset.reset")}': it does not pick a start. Set auto.offset.reset to earliest or latest, give the partition an offset, or commit one for the group.");
        }

        var watermarks = consumer.QueryWatermarkOffsets(tp, timeout);
        return reset == Offset.End ? watermarks.High.Value : watermarks.Low.Value;
    }

    /// <summary>
    /// A start before the partition's log start (its records deleted by retention or DeleteRecords since a checkpoint or
    /// commit named it) moves as the consumer's reset would move it, by <c>auto.offset.reset</c>: to the log start
    /// (earliest) or the partition's end (latest); <c>error</c> fails naming both offsets, as Kafka's <c>none</c> does. The
    /// partition's end is then judged from there: a reset the consumer made itself hands out no record when nothing is
    /// left to read, so the partition never reached its end and the run never ended.
    /// </summary>
    private static long InRange(IConsumer<byte[], byte[]> consumer, TopicPartition tp, long start, ConsumerConfig config, TimeSpan timeout)
    {
        var watermarks = consumer.QueryWatermarkOffsets(tp, timeout);
        if (start >= watermarks.Low.Value)
        {
            return start;
        }

        var reset = OffsetResets.Of(config.Get("auto.offset.reset"));
        if (reset == Offset.Unset)
        {
            throw new InvalidOperationException(
                $"The bounded Kafka source starts {tp.Topic} [{tp.Partition.Value}] at offset {start}, before the partition's log start {watermarks.Low.Value} (its records were deleted), and auto.offset.reset is '{config.Get("auto.offset.reset")}': it does not pick a start. Set auto.offset.reset to earliest or latest, or give the partition an offset.");
        }

        return reset == Offset.End ? watermarks.High.Value : watermarks.Low.Value;
    }

    /// <summary>The control of a source with nothing to read.</summary>
    private sealed class Finished : ISourceControl
    {
        public Task StopAsync() => Task.CompletedTask;

        public Task ShutdownAsync() => Task.CompletedTask;

        public Task CommitAsync(IReadOnlyDictionary<string, long> nextOffsets) => Task.CompletedTask;
    }
}

using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Consumer.Internal;
using ActorFlow.Kafka.Settings;
using Akka;
using Akka.Streams.Dsl;
using Confluent.Kafka;

namespace ActorFlow.Kafka.Dsl;

/// <summary>
/// Akka.Streams sources that read Kafka. Each materialisation owns one Confluent consumer, polled on its own thread;
/// the materialised <see cref="IControl"/> stops, drains and shuts it down.
/// </summary>
public static class KafkaConsumer
{
    /// <summary>Records of all assigned partitions, without offset handling (use it with your own offset store).</summary>
    public static Source<ConsumeResult<TKey, TValue>, IControl> PlainSource<TKey, TValue>(
        ConsumerSettings<TKey, TValue> settings, ISubscription subscription)
    {
        Validate(settings, subscription);
        return Source.FromGraph(new KafkaSourceStage<TKey, TValue, ConsumeResult<TKey, TValue>>(
            settings, subscription, static (record, _, _) => record, "PlainSource"));
    }

    /// <summary>Records with a <see cref="CommittableOffset"/>; commit through <see cref="Committer"/> once processed (at least once).</summary>
    public static Source<CommittableMessage<TKey, TValue>, IControl> CommittableSource<TKey, TValue>(
        ConsumerSettings<TKey, TValue> settings, ISubscription subscription)
    {
        Validate(settings, subscription, committable: true);
        return Source.FromGraph(new KafkaSourceStage<TKey, TValue, CommittableMessage<TKey, TValue>>(
            settings, subscription,
            static (record, target, generation) => new CommittableMessage<TKey, TValue>(record, new CommittableOffset(target, record.TopicPartitionOffset, generation)),
            "CommittableSource"));
    }

    /// <summary>
    /// One sub-source per assigned partition, emitted when it is assigned and completed when it is revoked, so each
    /// partition flows (and back-pressures) on its own.
    /// </summary>
    public static Source<(TopicPartition Partition, Source<ConsumeResult<TKey, TValue>, NotUsed> Records), IControl> PlainPartitionedSource<TKey, TValue>(
        ConsumerSettings<TKey, TValue> settings, ISubscription subscription)
    {
        Validate(settings, subscription);
        return Source.FromGraph(new PartitionedSourceStage<TKey, TValue, ConsumeResult<TKey, TValue>>(
            settings, subscription, static (record, _, _) => record, "PlainPartitionedSource"));
    }

    /// <summary>As <see cref="PlainPartitionedSource{TKey,TValue}"/>, with committable offsets.</summary>
    public static Source<(TopicPartition Partition, Source<CommittableMessage<TKey, TValue>, NotUsed> Records), IControl> CommittablePartitionedSource<TKey, TValue>(
        ConsumerSettings<TKey, TValue> settings, ISubscription subscription)
    {
        Validate(settings, subscription, committable: true);
        return Source.FromGraph(new PartitionedSourceStage<TKey, TValue, CommittableMessage<TKey, TValue>>(
            settings, subscription,
            static (record, target, generation) => new CommittableMessage<TKey, TValue>(record, new CommittableOffset(target, record.TopicPartitionOffset, generation)),
            "CommittablePartitionedSource"));
    }

    /// <summary>
    /// INTERNAL API. As <see cref="PlainPartitionedSource{TKey,TValue}"/>, but each partition's sub-source emits
    /// chunks: the records buffered for the partition (up to max-batch) in one array. For the job runtime's connectors.
    /// </summary>
    /// <remarks>
    /// With <paramref name="announceStarts"/> each partition's start is resolved at assignment and its sub-source begins
    /// with a position marker: a chunk of one <see cref="ConsumeResult{TKey, TValue}.IsPartitionEOF"/> result whose offset is
    /// the partition's start (<see cref="IsStartMarker"/>), before any record.
    /// </remarks>
    internal static Source<(TopicPartition Partition, Source<ConsumeResult<TKey, TValue>[], NotUsed> Records), IControl> PlainPartitionedChunkSource<TKey, TValue>(
        ConsumerSettings<TKey, TValue> settings, ISubscription subscription, bool announceStarts = false)
    {
        Validate(settings, subscription);
        return Source.FromGraph(new PartitionedSourceStage<TKey, TValue, ConsumeResult<TKey, TValue>[]>(
            settings, subscription, "PlainPartitionedChunkSource",
            (hub, partition, generation) =>
            {
                var chunks = Source.FromGraph(PartitionSourceStage.Chunks(hub, partition, generation, settings.MaxBatch));
                return announceStarts && hub.StartOf(partition, generation) is { } start
                    ? Source.Single(new[] { new ConsumeResult<TKey, TValue> { TopicPartitionOffset = new TopicPartitionOffset(partition, start), IsPartitionEOF = true } }).Concat(chunks)
                    : chunks;
            },
            resolveStarts: announceStarts));
    }

    /// <summary>Whether <paramref name="chunk"/> is a partition's start marker (<see cref="PlainPartitionedChunkSource"/>).</summary>
    internal static bool IsStartMarker<TKey, TValue>(ConsumeResult<TKey, TValue>[] chunk) => chunk is [{ IsPartitionEOF: true }];

    /// <summary>
    /// Fails at build time, not on the first pull: settings without bootstrap servers, or without a group.id where one is
    /// needed: a subscription, and committable offsets (without one a commit went to a group made up for the consumer,
    /// "succeeded", and a restart read from auto.offset.reset again; the Java client throws InvalidGroupIdException).
    /// </summary>
    private static void Validate<TKey, TValue>(ConsumerSettings<TKey, TValue> settings, ISubscription subscription, bool committable = false)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(subscription);
        _ = settings.ToConsumerConfig(needsGroup: committable || subscription is TopicSubscription);
    }
}

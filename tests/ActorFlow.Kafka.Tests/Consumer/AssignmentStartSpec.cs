using System.Reflection;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Consumer.Internal;
using ActorFlow.Kafka.Settings;
using Confluent.Kafka;

namespace ActorFlow.Kafka.Tests.Consumer;

/// <summary>
/// Where the job path's hub (<c>ResolveStarts</c>) starts a subscribed partition at assignment: a partition new to the
/// run (first assigned after the run's initial partitions were known) at its beginning when the group has no offset for
/// it, also when the committed offsets cannot be looked up; an empty first assignment does not make the next one's
/// partitions new; a partition revoked before it handed anything out resumes where it was resolved to start. Here the
/// consumer is scripted (no broker): the cluster's metadata cannot be read, so the first assignment that names a
/// partition stands for the initial ones (<c>Checkpoints/NewTopicStartSpec</c> in the topology tests runs the metadata
/// path against the embedded broker).
/// </summary>
public sealed class AssignmentStartSpec
{
    private static readonly TopicPartition P0 = new("orders", 0);
    private static readonly TopicPartition P1 = new("orders", 1);

    /// <summary>Verify that a partition first assigned after the first assignment starts at its beginning under <c>latest</c>.</summary>
    [Fact]
    public void A_partition_new_to_the_run_must_start_at_its_beginning()
    {
        using var hub = Hub(out var broker);
        Assert.Equal(10, Start(hub.OnAssigned([P0]), P0)); // the initial partition: latest, its high watermark
        Assert.Equal(2, Start(hub.OnAssigned([P1]), P1)); // new to the run: its low watermark, not 10
    }

    /// <summary>Verify that a new partition starts at its beginning when the committed offsets cannot be looked up.</summary>
    [Fact]
    public void A_new_partition_must_start_at_its_beginning_when_the_commits_are_unknown()
    {
        using var hub = Hub(out var broker);
        hub.OnAssigned([P0]);
        broker.CommittedFails = true;
        var starts = hub.OnAssigned([P1]);
        Assert.Equal(Offset.Beginning, starts.Single(s => s.TopicPartition == P1).Offset);
    }

    /// <summary>Verify that an empty first assignment leaves the next assignment's partitions initial, not new.</summary>
    [Fact]
    public void After_an_empty_first_assignment_the_next_ones_partitions_must_be_initial()
    {
        using var hub = Hub(out var broker);
        hub.OnAssigned([]);
        Assert.Equal(10, Start(hub.OnAssigned([P0]), P0));
    }

    /// <summary>Verify that a partition revoked before it handed out a record resumes at its resolved start when assigned again.</summary>
    [Fact]
    public void A_partition_revoked_before_its_first_record_must_resume_at_its_start()
    {
        using var hub = Hub(out var broker);
        Assert.Equal(10, Start(hub.OnAssigned([P0]), P0));
        hub.OnRevoked([P0]);
        broker.High = 15; // written meanwhile: latest again would skip offsets 10 to 14
        Assert.Equal(10, Start(hub.OnAssigned([P0]), P0));
    }

    private static long Start(List<TopicPartitionOffset> starts, TopicPartition partition) => starts.Single(s => s.TopicPartition == partition).Offset.Value;

    private static ConsumerHub<byte[], byte[]> Hub(out FakeBroker broker)
    {
        var settings = ConsumerSettings<byte[], byte[]>.Create(KafkaDefaults.Config, null, null)
            .WithBootstrapServers("127.0.0.1:1").WithGroupId("orders-job").WithProperty("auto.offset.reset", "latest");
        var hub = new ConsumerHub<byte[], byte[]>(settings, Subscriptions.Topics(P0.Topic), new Quiet()) { ResolveStarts = true };
        var consumer = DispatchProxy.Create<IConsumer<byte[], byte[]>, FakeBroker>();
        broker = (FakeBroker)(object)consumer;
        typeof(ConsumerHub<byte[], byte[]>).GetField("_consumer", BindingFlags.Instance | BindingFlags.NonPublic)!.SetValue(hub, consumer);
        return hub;
    }

    /// <summary>A consumer that answers the start lookups: no committed offsets, watermarks 2 and <see cref="High"/>; no metadata.</summary>
    public class FakeBroker : DispatchProxy
    {
        public long High { get; set; } = 10;

        public bool CommittedFails { get; set; }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => targetMethod?.Name switch
        {
            nameof(IConsumer<byte[], byte[]>.Committed) when CommittedFails => throw new KafkaException(ErrorCode.RequestTimedOut),
            nameof(IConsumer<byte[], byte[]>.Committed) => ((IEnumerable<TopicPartition>)args![0]!).Select(p => new TopicPartitionOffset(p, Offset.Unset)).ToList(),
            nameof(IConsumer<byte[], byte[]>.QueryWatermarkOffsets) => new WatermarkOffsets(2, High),
            "get_Handle" => throw new KafkaException(ErrorCode.Local_Transport), // no metadata
            _ => throw new NotSupportedException($"The fake consumer does not implement {targetMethod?.Name}."),
        };
    }

    private sealed class Quiet : IHubListener
    {
        public void OnAssigned(IReadOnlyList<(TopicPartition Partition, int Generation)> partitions)
        {
        }

        public void OnRevoked(IReadOnlyList<TopicPartition> partitions)
        {
        }

        public void OnStopped()
        {
        }

        public void OnFailed(Exception error)
        {
        }
    }
}

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
/// partition stands for the initial ones, unless a test hands the hub the metadata's partitions
/// (<c>Checkpoints/NewTopicStartSpec</c> in the topology tests runs the metadata lookup against the embedded broker).
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

    /// <summary>
    /// Verify that a partition the cluster's metadata named at the first assignment, assigned only later (another member
    /// held it, or the assignment came in two steps), starts as an initial one: at <c>latest</c>'s end, not its beginning.
    /// </summary>
    [Fact]
    public void A_partition_named_by_the_metadata_at_the_first_assignment_must_start_as_an_initial_one()
    {
        using var hub = Hub(out var broker, _ => [P0, P1]);
        Assert.Equal(10, Start(hub.OnAssigned([P0]), P0));
        Assert.Equal(10, Start(hub.OnAssigned([P1]), P1));
    }

    /// <summary>
    /// Verify that a new partition whose start could not be resolved (the committed offsets were unknown) and that was
    /// revoked before it handed out a record is still new when assigned again: its beginning, not <c>latest</c>'s end.
    /// </summary>
    [Fact]
    public void A_new_partition_left_unresolved_must_stay_new_until_it_is_resolved()
    {
        using var hub = Hub(out var broker);
        hub.OnAssigned([P0]);
        broker.CommittedFails = true;
        Assert.Equal(Offset.Beginning, hub.OnAssigned([P1]).Single(s => s.TopicPartition == P1).Offset);
        hub.OnRevoked([P1]);
        broker.CommittedFails = false;
        Assert.Equal(2, Start(hub.OnAssigned([P1]), P1));
    }

    /// <summary>Verify that subscribed topics are matched as librdkafka reads a subscription: names exactly, a leading <c>^</c> as a pattern.</summary>
    [Fact]
    public void Subscribed_topics_must_match_by_name_or_pattern()
    {
        string[] subscribed = ["orders", "^clicks-.*"];
        Assert.True(ConsumerHub<byte[], byte[]>.IsSubscribed(subscribed, "orders"));
        Assert.True(ConsumerHub<byte[], byte[]>.IsSubscribed(subscribed, "clicks-b"));
        Assert.False(ConsumerHub<byte[], byte[]>.IsSubscribed(subscribed, "orders-2"));
        Assert.False(ConsumerHub<byte[], byte[]>.IsSubscribed(subscribed, "my-clicks-b"));
    }

    /// <summary>Verify that the metadata lookup names every partition of the subscribed topics and patterns the embedded broker holds, and no other.</summary>
    [Fact]
    public void The_metadata_lookup_must_name_the_subscribed_topics_partitions()
    {
        using var kafka = ActorFlow.Kafka.Embedded.EmbeddedKafka.Start(new ActorFlow.Kafka.Embedded.EmbeddedKafkaOptions
        {
            Topics = new Dictionary<string, int> { ["orders"] = 2, ["clicks-a"] = 1, ["other"] = 1 },
        });
        var settings = ConsumerSettings<byte[], byte[]>.Create(KafkaDefaults.Config, null, null).WithBootstrapServers(kafka.BootstrapServers).WithGroupId("lookup");
        using var hub = new ConsumerHub<byte[], byte[]>(settings, Subscriptions.Topics("orders", "^clicks-.*"), new NoHubListener()) { ResolveStarts = true };
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = kafka.BootstrapServers, GroupId = "lookup" }).Build();

        var existing = hub.ExistingPartitions(consumer);

        Assert.NotNull(existing);
        Assert.Equal(["clicks-a/0", "orders/0", "orders/1"], existing.Select(p => $"{p.Topic}/{p.Partition.Value}").Order(StringComparer.Ordinal));
    }

    private static long Start(List<TopicPartitionOffset> starts, TopicPartition partition) => starts.Single(s => s.TopicPartition == partition).Offset.Value;

    private static ConsumerHub<byte[], byte[]> Hub(out FakeBroker broker, Func<IConsumer<byte[], byte[]>, HashSet<TopicPartition>?>? metadata = null)
    {
        var settings = ConsumerSettings<byte[], byte[]>.Create(KafkaDefaults.Config, null, null)
            .WithBootstrapServers("127.0.0.1:1").WithGroupId("orders-job").WithProperty("auto.offset.reset", "latest");
        var hub = new ConsumerHub<byte[], byte[]>(settings, Subscriptions.Topics(P0.Topic), new NoHubListener()) { ResolveStarts = true, ExistingPartitionsLookup = metadata };
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
}

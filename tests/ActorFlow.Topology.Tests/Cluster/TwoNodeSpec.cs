using System.Diagnostics;
using System.Globalization;
using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Producer;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Operators.Windowing;
using ActorFlow.Persistence.Config;
using ActorFlow.Persistence.Partitioning;
using ActorFlow.Tests.Shared;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Runtime.Internal;
using ActorFlow.Topology.Tests.EndToEnd;
using ActorFlow.Topology.Tests.Serialization;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Confluent.Kafka;
using Xunit.Abstractions;

namespace ActorFlow.Topology.Tests.Cluster;

/// <summary>The windowed-count job on two cluster nodes in one process, state in one PostgreSQL database.</summary>
[Collection(PostgresCollection.Name)]
public sealed class TwoNodeSpec : IDisposable
{
    private const long Base = 1_700_000_000_000;
    private const string JobName = "clicks-two-nodes";
    private readonly LocalPostgres _postgres;
    private readonly ITestOutputHelper _output;
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 4, ["counts"] = 1, ["dead"] = 1 },
    });

    public TwoNodeSpec(LocalPostgres postgres, ITestOutputHelper output)
    {
        _postgres = postgres;
        _output = output;
    }

    /// <summary>
    /// Verify that the windowed count runs with its key groups spread over two nodes (node B hosts key groups but
    /// runs no source, so batches and replies cross nodes in the binary format) and emits exactly the counts of the
    /// reference computation.
    /// </summary>
    [Fact]
    public async Task A_job_on_two_nodes_must_match_the_reference_computation()
    {
        var clock = Stopwatch.StartNew();
        var random = new Random(7);
        var clicks = Enumerable.Range(0, 3000)
            .Select(i => new Click("user-" + (i % 40).ToString(CultureInfo.InvariantCulture), Base + (i * 7) + random.Next(-400, 400)))
            .ToList();
        Produce(clicks);
        var expected = clicks
            .GroupBy(c => (c.User, Start: c.Time - (((c.Time % 1000) + 1000) % 1000)))
            .Select(g => $"{g.Key.User}|{g.Key.Start}|{g.Count()}")
            .Order(StringComparer.Ordinal)
            .ToList();
        var keyGroups = clicks.Select(c => c.User).Append("zz-end").Distinct()
            .Select(u => KeyGroups.ForKey(Encoding.UTF8.GetBytes(u), KeyGroups.DefaultMaxParallelism))
            .ToHashSet();

        var state = StateStoreSettings.PostgreSql(_postgres.CreateDatabase("two_nodes"));
        var nodeA = await ActorFlowCluster.StartNodeAsync("two-nodes", state);
        ActorSystem? nodeB = null;
        try
        {
            // Tables are created by the first node alone: two nodes auto-initializing one PostgreSQL database at once
            // race on CREATE TABLE (duplicate pg_type entry) and one journal restarts.
            await InitializePersistenceAsync(nodeA);
            nodeB = await ActorFlowCluster.StartNodeAsync("two-nodes", state, [Akka.Cluster.Cluster.Get(nodeA).SelfAddress]);
            await AwaitAsync(() => Akka.Cluster.Cluster.Get(nodeA).State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up) == 2, TimeSpan.FromSeconds(20));
            _output.WriteLine($"cluster of two up after {clock.ElapsedMilliseconds} ms");

            // Both nodes register the same job and start its region before any record flows, so the coordinator
            // spreads the key groups over both from the first one (and never needs to rebalance).
            await JobRunner.HostAsync(nodeA, Job(nodeA));
            await JobRunner.HostAsync(nodeB, Job(nodeB));
            var regionA = ClusterSharding.Get(nodeA).ShardRegion("actorflow-" + JobName);
            var regionB = ClusterSharding.Get(nodeB).ShardRegion("actorflow-" + JobName);
            await AwaitAsync(async () => (await regionA.Ask<CurrentRegions>(GetCurrentRegions.Instance, TimeSpan.FromSeconds(5))).Regions.Count == 2, TimeSpan.FromSeconds(20));

            var started = clock.ElapsedMilliseconds;
            var running = await JobRunner.StartAsync(nodeA, Job(nodeA));
            await AwaitAsync(() => Task.FromResult(ReadAll("counts").Count >= expected.Count), TimeSpan.FromSeconds(60));
            _output.WriteLine($"{expected.Count} results after {clock.ElapsedMilliseconds - started} ms of running");

            var onA = await EntitiesAsync(regionA);
            var onB = await EntitiesAsync(regionB);
            _output.WriteLine($"key groups on node A: {onA.Count}, on node B: {onB.Count}");
            await running.StopAsync(TimeSpan.FromSeconds(30));

            Assert.Equal(expected, ReadAll("counts").Select(m => Encoding.UTF8.GetString(m.Value)).Order(StringComparer.Ordinal).ToList());
            Assert.NotEmpty(onA);
            Assert.NotEmpty(onB);
            Assert.Empty(onA.Intersect(onB));
            Assert.Equal(keyGroups.Order(), onA.Concat(onB).Order());
            Assert.Equal(3, ReadAll("dead").Count);
        }
        finally
        {
            // B leaves first (its key groups hand off to A), then A: terminating both at once makes each wait
            // for the other's exit until a 10 s phase timeout.
            if (nodeB is not null)
            {
                await CoordinatedShutdown.Get(nodeB).Run(CoordinatedShutdown.ClusterLeavingReason.Instance).WaitAsync(TimeSpan.FromSeconds(30));
            }

            await nodeA.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
            _output.WriteLine($"total {clock.ElapsedMilliseconds} ms");
        }
    }

    public void Dispose() => _kafka.Dispose();

    /// <summary>The job as every node builds it: same code, same serializers.</summary>
    private StreamJob Job(ActorSystem system)
    {
        var consumer = ConsumerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers).WithGroupId("two-nodes");
        var producer = ProducerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers);
        return StreamJobBuilder.Create(JobName)
            .WithSerializers(WireTestJobs.WithClicks())
            .WithDeadLetters(KafkaConnectors.DeadLetters(producer, "dead"))
            .FromSource("clicks", KafkaConnectors.Source(consumer, Subscriptions.Topics("clicks"), Decode),
                WatermarkStrategy<Click>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(1)).WithTimestampAssigner((c, _) => c.Time))
            .KeyBy(c => c.User)
            .Process("count", () => WindowOperators.For<string, Click>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)))
                .Aggregate(new CountAggregate(), new Label()))
            .To(KafkaConnectors.Sink<string>(producer, s => new ProducerRecord<byte[], byte[]>("counts", new Message<byte[], byte[]> { Key = [], Value = Encoding.UTF8.GetBytes(s) })))
            .Build();
    }

    private static async Task InitializePersistenceAsync(ActorSystem system)
    {
        var persistence = Akka.Persistence.Persistence.Instance.Apply(system);
        var timeout = TimeSpan.FromSeconds(20);
        await persistence.SnapshotStoreFor(null).Ask<Akka.Persistence.LoadSnapshotResult>(
            new Akka.Persistence.LoadSnapshot("warm-up", Akka.Persistence.SnapshotSelectionCriteria.None, long.MaxValue), timeout);
        await persistence.JournalFor(null).Ask<Akka.Persistence.RecoverySuccess>(
            (IActorRef sender) => new Akka.Persistence.ReplayMessages(1, 0, 0, "warm-up", sender), timeout, CancellationToken.None);
    }

    private static async Task<List<int>> EntitiesAsync(IActorRef region)
    {
        var state = await region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, TimeSpan.FromSeconds(5));
        return state.Shards.SelectMany(s => s.EntityIds).Select(id => int.Parse(id, CultureInfo.InvariantCulture)).ToList();
    }

    private static Click Decode(ConsumeResult<byte[], byte[]> r) =>
        new(Encoding.UTF8.GetString(r.Message.Key), long.Parse(Encoding.UTF8.GetString(r.Message.Value), CultureInfo.InvariantCulture));

    private void Produce(List<Click> clicks)
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = _kafka.BootstrapServers, LingerMs = 5 }).Build();
        foreach (var c in clicks)
        {
            producer.Produce("clicks", new Message<string, string> { Key = c.User, Value = c.Time.ToString(CultureInfo.InvariantCulture), Timestamp = new Timestamp(c.Time, TimestampType.CreateTime) });
        }

        for (var i = 0; i < 3; i++)
        {
            producer.Produce("clicks", new Message<string, string> { Key = "poison", Value = "not-a-number" });
        }

        // One record per partition far in the future moves every partition's watermark past all real windows.
        for (var p = 0; p < 4; p++)
        {
            producer.Produce(new TopicPartition("clicks", p), new Message<string, string> { Key = "zz-end", Value = (Base + 10_000_000).ToString(CultureInfo.InvariantCulture) });
        }

        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
    }

    private List<Message<byte[], byte[]>> ReadAll(string topic)
    {
        using var c = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = _kafka.BootstrapServers, GroupId = "reader", EnableAutoCommit = false }).Build();
        c.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var end = c.QueryWatermarkOffsets(new TopicPartition(topic, 0), TimeSpan.FromSeconds(10)).High.Value;
        var all = new List<Message<byte[], byte[]>>();
        while (all.Count < end && c.Consume(TimeSpan.FromSeconds(5)) is { } r)
        {
            all.Add(r.Message);
        }

        return all;
    }

    private static Task AwaitAsync(Func<bool> condition, TimeSpan timeout) => AwaitAsync(() => Task.FromResult(condition()), timeout);

    private static async Task AwaitAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (!await condition())
        {
            await Task.Delay(100, cts.Token);
        }
    }
}

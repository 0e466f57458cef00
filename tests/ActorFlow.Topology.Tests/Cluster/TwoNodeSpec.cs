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
using ActorFlow.TestKit;
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
        var nodeA = await ActorFlowCluster.StartNodeAsync("two-nodes", state, overrides: TwoNodeCluster.Overrides);
        ActorSystem? nodeB = null;
        try
        {
            nodeB = await ActorFlowCluster.StartNodeAsync("two-nodes", state, [Akka.Cluster.Cluster.Get(nodeA).SelfAddress], TwoNodeCluster.Overrides);
            await Poll.UntilAsync(() => Akka.Cluster.Cluster.Get(nodeA).State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up) == 2, TimeSpan.FromSeconds(20));
            _output.WriteLine($"cluster of two up after {clock.ElapsedMilliseconds} ms");

            // Both nodes register the same job and start its region before any record flows, so the coordinator
            // spreads the key groups over both from the first one (and never needs to rebalance).
            await JobRunner.HostAsync(nodeA, Job(nodeA));
            await JobRunner.HostAsync(nodeB, Job(nodeB));
            var regionA = ClusterSharding.Get(nodeA).ShardRegion("actorflow-" + JobName);
            var regionB = ClusterSharding.Get(nodeB).ShardRegion("actorflow-" + JobName);
            await Poll.UntilAsync(async () => (await regionA.Ask<CurrentRegions>(GetCurrentRegions.Instance, TimeSpan.FromSeconds(5))).Regions.Count == 2, TimeSpan.FromSeconds(20));

            var started = clock.ElapsedMilliseconds;
            var running = await JobRunner.StartAsync(nodeA, Job(nodeA));
            await Poll.UntilAsync(() => ReadAll("counts").Count >= expected.Count, TimeSpan.FromSeconds(60));
            _output.WriteLine($"{expected.Count} results after {clock.ElapsedMilliseconds - started} ms of running");

            var onA = await EntitiesAsync(regionA);
            var onB = await EntitiesAsync(regionB);
            _output.WriteLine($"key groups on node A: {onA.Count}, on node B: {onB.Count}");
            await running.StopAsync(TimeSpan.FromSeconds(30));

            Assert.Equal(expected, ReadAll("counts").Order(StringComparer.Ordinal).ToList());
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
            .FromSource("clicks", KafkaConnectors.Source(consumer, Subscriptions.Topics("clicks"), ClickTopics.Format.FromKafka),
                WatermarkStrategy<Click>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(1)).WithTimestampAssigner((c, _) => c.Time))
            .KeyBy(c => c.User)
            .Process("count", () => WindowOperators.For<string, Click>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)))
                .Aggregate(new CountAggregate(), new Label()))
            .To(KafkaConnectors.Sink<string>(producer, s => new ProducerRecord<byte[], byte[]>("counts", new Message<byte[], byte[]> { Key = [], Value = Encoding.UTF8.GetBytes(s) })))
            .Build();
    }

    private static async Task<List<int>> EntitiesAsync(IActorRef region)
    {
        var state = await region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, TimeSpan.FromSeconds(5));
        return state.Shards.SelectMany(s => s.EntityIds).Select(id => int.Parse(id, CultureInfo.InvariantCulture)).ToList();
    }

    private void Produce(List<Click> clicks)
    {
        using var topics = new TestTopics(_kafka.BootstrapServers);
        var input = topics.Topic("clicks", new TopicFormat<Click>(ClickTopics.Format.Encode, ClickTopics.Format.Decode, c => c.Time));
        input.Produce(clicks);
        for (var i = 0; i < 3; i++)
        {
            input.ProduceRaw(Encoding.UTF8.GetBytes("poison"), Encoding.UTF8.GetBytes("not-a-number"));
        }

        // One record per partition far in the future moves every partition's watermark past all real windows.
        input.ProduceToEveryPartition(new Click("zz-end", Base + 10_000_000));
    }

    private List<string> ReadAll(string topic)
    {
        using var topics = new TestTopics(_kafka.BootstrapServers);
        return [.. topics.Topic(topic, TopicFormat.Utf8).ReadToEnd()];
    }
}

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

namespace ActorFlow.Topology.Tests.Cluster;

/// <summary>A savepoint taken on one node restored on two: key groups are the unit that moves.</summary>
[Collection(PostgresCollection.Name)]
public sealed class SavepointRescaleSpec(LocalPostgres postgres) : IDisposable
{
    private const long Base = 1_700_000_000_000;
    private const string JobName = "clicks-rescaled";
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 4, ["counts"] = 1 },
    });

    private ClickTopics Topics => new(_kafka);

    /// <summary>
    /// Verify that the windowed count run on one node, savepointed mid-stream and stopped (with records processed
    /// after the savepoint), then started from the savepoint on two nodes (key groups on both, state in one
    /// PostgreSQL database) ends with exactly the counts of the reference computation.
    /// </summary>
    [Fact]
    public async Task A_savepoint_taken_on_one_node_must_restore_on_two_nodes_with_the_reference_results()
    {
        var random = new Random(5);
        var clicks = Enumerable.Range(0, 3000)
            .Select(i => new Click("user-" + (i % 40).ToString(CultureInfo.InvariantCulture), Base + (i * 7) + random.Next(-400, 400)))
            .ToList();
        var expected = clicks
            .GroupBy(c => (c.User, Start: c.Time - (((c.Time % 1000) + 1000) % 1000)))
            .ToDictionary(g => $"{g.Key.User}|{g.Key.Start}", g => (long)g.Count());
        var state = StateStoreSettings.PostgreSql(postgres.CreateDatabase("savepoint_rescale"));

        Topics.Produce(clicks.Take(1500));
        var single = await ActorFlowCluster.StartNodeAsync("rescale", state);
        try
        {
            var job1 = await JobRunner.StartAsync(single, Job(single), new JobRunnerOptions { CheckpointInterval = null });
            await Poll.UntilAsync(() => Task.FromResult(Topics.Read("counts").Count > 5), TimeSpan.FromSeconds(60));
            var savepoint = await job1.SavepointAsync("one-node").WaitAsync(TimeSpan.FromSeconds(60));
            Assert.NotEmpty(savepoint.KeyGroups);
            var countsAtSavepoint = Topics.Read("counts").Count;
            Topics.Produce(clicks.Skip(1500).Take(500)); // processed after the savepoint, then replayed from it
            await Poll.UntilAsync(() => Task.FromResult(Topics.Read("counts").Count > countsAtSavepoint), TimeSpan.FromSeconds(60));
            await job1.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await single.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }

        var options = new JobRunnerOptions { CheckpointInterval = null, FromSavepoint = "one-node" };
        var nodeA = await ActorFlowCluster.StartNodeAsync("rescale", state, overrides: TwoNodeCluster.Overrides);
        ActorSystem? nodeB = null;
        try
        {
            nodeB = await ActorFlowCluster.StartNodeAsync("rescale", state, [Akka.Cluster.Cluster.Get(nodeA).SelfAddress], TwoNodeCluster.Overrides);
            await Poll.UntilAsync(() => Task.FromResult(Akka.Cluster.Cluster.Get(nodeA).State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up) == 2), TimeSpan.FromSeconds(20));
            await JobRunner.HostAsync(nodeA, Job(nodeA), options);
            await JobRunner.HostAsync(nodeB, Job(nodeB), options);
            var regionA = ClusterSharding.Get(nodeA).ShardRegion("actorflow-" + JobName);
            var regionB = ClusterSharding.Get(nodeB).ShardRegion("actorflow-" + JobName);
            await Poll.UntilAsync(async () => (await regionA.Ask<CurrentRegions>(GetCurrentRegions.Instance, TimeSpan.FromSeconds(5))).Regions.Count == 2, TimeSpan.FromSeconds(20));

            var job2 = await JobRunner.StartAsync(nodeA, Job(nodeA), options);
            Topics.Produce(clicks.Skip(2000));
            Topics.ProduceEnd();
            await Poll.UntilAsync(() => Task.FromResult(Topics.Latest("counts").Count >= expected.Count), TimeSpan.FromSeconds(90));
            var onA = await EntitiesAsync(regionA);
            var onB = await EntitiesAsync(regionB);
            await job2.StopAsync(TimeSpan.FromSeconds(30));

            Assert.NotEmpty(onA);
            Assert.NotEmpty(onB);
        }
        finally
        {
            if (nodeB is not null)
            {
                await CoordinatedShutdown.Get(nodeB).Run(CoordinatedShutdown.ClusterLeavingReason.Instance).WaitAsync(TimeSpan.FromSeconds(30));
            }

            await nodeA.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }

        Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), Topics.Latest("counts").OrderBy(e => e.Key, StringComparer.Ordinal));
    }

    public void Dispose() => _kafka.Dispose();

    private StreamJob Job(ActorSystem system)
    {
        var consumer = ConsumerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers).WithGroupId("rescale");
        var producer = ProducerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers);
        return StreamJobBuilder.Create(JobName)
            .WithSerializers(WireTestJobs.WithClicks())
            .FromSource("clicks", KafkaConnectors.Source(consumer, Subscriptions.Topics("clicks"), r =>
                    new Click(Encoding.UTF8.GetString(r.Message.Key), long.Parse(Encoding.UTF8.GetString(r.Message.Value), CultureInfo.InvariantCulture))),
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

}

using System.Globalization;
using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Producer;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators.Functions;
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

/// <summary>
/// Issue 15: a savepoint of a two-stage job (a count per user, re-partitioned by window for the top 3 users) taken on
/// one node and restored on two: the key groups of both hops move as units.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SavepointRescaleGraphSpec(LocalPostgres postgres) : IDisposable
{
    private const long Base = 1_700_000_000_000;
    private const string JobName = "top-rescaled";
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 4, ["top"] = 1 },
    });

    private ClickTopics Topics => new(_kafka);

    /// <summary>
    /// Verify that the two-stage job run on one node, savepointed mid-stream and stopped (with records processed after
    /// the savepoint), then started from the savepoint on two nodes (key groups of both hops on both, state in one
    /// PostgreSQL database) ends with exactly the top 3 of every window of the reference computation.
    /// </summary>
    [Fact]
    public async Task A_savepoint_of_a_two_stage_job_must_restore_on_two_nodes_with_the_reference_results()
    {
        var random = new Random(5);
        var clicks = Enumerable.Range(0, 3000)
            .Select(i => new Click("user-" + (i % 40).ToString(CultureInfo.InvariantCulture), Base + (i * 7) + random.Next(-400, 400)))
            .ToList();
        var expected = Graphs.GraphJobs.TopPerWindow(ClickTopics.CountsPerSecond(clicks), 3).ToDictionary(t => t.Split('|')[0], t => t);
        var state = StateStoreSettings.PostgreSql(postgres.CreateDatabase("savepoint_rescale_graph"));

        Topics.Produce(clicks.Take(1500));
        var single = await ActorFlowCluster.StartNodeAsync("rescale", state);
        try
        {
            var job1 = await JobRunner.StartAsync(single, Job(single), new JobRunnerOptions { CheckpointInterval = null });
            await Poll.UntilAsync(() => Task.FromResult(Topics.Read("top").Count > 3), TimeSpan.FromSeconds(60));
            var savepoint = await job1.SavepointAsync("one-node").WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Contains(savepoint.KeyGroups, kg => kg.KeyGroup >= 128); // the second hop's key groups
            var countsAtSavepoint = Topics.Read("top").Count;
            Topics.Produce(clicks.Skip(1500).Take(500)); // processed after the savepoint, then replayed from it
            await Poll.UntilAsync(() => Task.FromResult(Topics.Read("top").Count > countsAtSavepoint), TimeSpan.FromSeconds(60));
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
            await Poll.UntilAsync(() => Task.FromResult(Latest().Count >= expected.Count), TimeSpan.FromSeconds(90));
            var onA = await EntitiesAsync(regionA);
            var onB = await EntitiesAsync(regionB);
            await job2.StopAsync(TimeSpan.FromSeconds(30));

            Assert.Contains(onA, e => e >= 128);
            Assert.Contains(onB, e => e >= 128);
            Assert.Contains(onA, e => e < 128);
            Assert.Contains(onB, e => e < 128);
        }
        finally
        {
            if (nodeB is not null)
            {
                await CoordinatedShutdown.Get(nodeB).Run(CoordinatedShutdown.ClusterLeavingReason.Instance).WaitAsync(TimeSpan.FromSeconds(30));
            }

            await nodeA.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }

        Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), Latest().OrderBy(e => e.Key, StringComparer.Ordinal));
    }

    public void Dispose() => _kafka.Dispose();

    /// <summary>The latest top 3 per window ("top" read as an upsert table by window start: the sink is at least once).</summary>
    private Dictionary<string, string> Latest() =>
        OutputAssert.Latest(Topics.Read("top"), t => t.Split('|')[0]);

    private StreamJob Job(ActorSystem system)
    {
        var consumer = ConsumerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers).WithGroupId("rescale");
        var producer = ProducerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers);
        return StreamJobBuilder.Create(JobName)
            .WithSerializers(WireTestJobs.WithClicks())
            .FromSource("clicks", KafkaConnectors.Source(consumer, Subscriptions.Topics("clicks"), ClickTopics.Format.FromKafka),
                WatermarkStrategy<Click>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(1)).WithTimestampAssigner((c, _) => c.Time))
            .KeyBy(c => c.User)
            .Process("count", () => WindowOperators.For<string, Click>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)))
                .Aggregate(new CountAggregate(), new Label()))
            .KeyBy(Graphs.GraphJobs.StartOf)
            .Process("top3", () => KeyedProcessOperators.Create(new Graphs.GraphJobs.TopN(3)))
            .To(KafkaConnectors.Sink<string>(producer, s => new ProducerRecord<byte[], byte[]>("top", new Message<byte[], byte[]> { Key = [], Value = Encoding.UTF8.GetBytes(s) })))
            .Build();
    }

    private static async Task<List<int>> EntitiesAsync(IActorRef region)
    {
        var state = await region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, TimeSpan.FromSeconds(5));
        return state.Shards.SelectMany(s => s.EntityIds).Select(id => int.Parse(id, CultureInfo.InvariantCulture)).ToList();
    }

}

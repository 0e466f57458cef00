using System.Collections.Concurrent;
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
using ActorFlow.Topology.Tests.EndToEnd;
using ActorFlow.Topology.Tests.Serialization;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Confluent.Kafka;

namespace ActorFlow.Topology.Tests.Cluster;

/// <summary>
/// A job started from an earlier checkpoint (<c>RestoreCheckpointId</c>, e.g. the one a <c>RecoveryFailedException</c>
/// offers) on two nodes restores that checkpoint in the key groups of both: the hosting node's options pin it there
/// too. Before, a hosting node's key groups restored the store's newest checkpoint, the run found them holding other
/// state, and the job failed over again and again (found by an Akka.NET user's multi-node review). The start hears
/// from the other node's key groups that they restored: it waited an ask timeout for them and warned that they "did
/// not report their restore" on every start on several nodes.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PinnedRestoreTwoNodeSpec(LocalPostgres postgres) : IDisposable
{
    private const long Base = 1_700_000_000_000;
    private const string JobName = "pinned-two-nodes";
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 4, ["counts"] = 1 },
    });

    private ClickTopics Topics => new(_kafka);

    /// <summary>Verify that both nodes restore the chosen checkpoint: no failover, and each window's latest count is the reference's.</summary>
    [Fact]
    public async Task A_chosen_checkpoint_must_be_restored_on_every_node()
    {
        var random = new Random(11);
        var clicks = Enumerable.Range(0, 2400)
            .Select(i => new Click("user-" + (i % 40).ToString(CultureInfo.InvariantCulture), Base + (i * 7) + random.Next(-400, 400)))
            .ToList();
        var expected = clicks
            .GroupBy(c => (c.User, Start: c.Time - (((c.Time % 1000) + 1000) % 1000)))
            .ToDictionary(g => $"{g.Key.User}|{g.Key.Start}", g => (long)g.Count());
        var state = StateStoreSettings.PostgreSql(postgres.CreateDatabase("pinned_two_nodes"));

        long chosen;
        Topics.Produce(clicks.Take(1000));
        var single = await ActorFlowCluster.StartNodeAsync("pinned", state);
        try
        {
            var job1 = await JobRunner.StartAsync(single, Job(single), new JobRunnerOptions { CheckpointInterval = null });
            chosen = (await ClickTopics.CheckpointUntilAsync(job1, c => c.Offsets.Sum(o => o.Offset) == 1000, "a checkpoint after the first 1,000 clicks")).CheckpointId;
            Topics.Produce(clicks.Skip(1000).Take(700));
            var newer = await ClickTopics.CheckpointUntilAsync(job1, c => c.Offsets.Sum(o => o.Offset) == 1700, "a newer checkpoint after 1,700 clicks");
            Assert.True(newer.CheckpointId > chosen);
            await job1.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await single.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }

        // On several nodes the start waits one AskTimeout (10 s by default) for every key group to report its restore
        // before it warns that some did not: ~41 key groups restoring from PostgreSQL can take longer on a loaded machine.
        // 60 s still ends in the warning when a node's key groups never report.
        var options = new JobRunnerOptions { CheckpointInterval = null, RestoreCheckpointId = chosen, AskTimeout = TimeSpan.FromSeconds(60) };
        var nodeA = await ActorFlowCluster.StartNodeAsync("pinned", state, overrides: TwoNodeCluster.Overrides);
        ActorSystem? nodeB = null;
        try
        {
            nodeB = await ActorFlowCluster.StartNodeAsync("pinned", state, [Akka.Cluster.Cluster.Get(nodeA).SelfAddress], TwoNodeCluster.Overrides);
            await Poll.UntilAsync(() => Task.FromResult(Akka.Cluster.Cluster.Get(nodeA).State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up) == 2), TimeSpan.FromSeconds(20));
            await JobRunner.HostAsync(nodeA, Job(nodeA), options);
            await JobRunner.HostAsync(nodeB, Job(nodeB), options);
            var regionA = ClusterSharding.Get(nodeA).ShardRegion("actorflow-" + JobName);
            await Poll.UntilAsync(async () => (await regionA.Ask<CurrentRegions>(GetCurrentRegions.Instance, TimeSpan.FromSeconds(5))).Regions.Count == 2, TimeSpan.FromSeconds(20));

            var warnings = new ConcurrentQueue<string>();
            nodeA.EventStream.Subscribe(nodeA.ActorOf(Props.Create(() => new WarningCollector(warnings))), typeof(Warning));
            var job2 = await JobRunner.StartAsync(nodeA, Job(nodeA), options);
            Assert.DoesNotContain(warnings, w => w.Contains("did not report their restore", StringComparison.Ordinal));
            Topics.Produce(clicks.Skip(1700));
            Topics.ProduceEnd();
            await Poll.UntilAsync(() => Task.FromResult(Topics.Latest("counts").Count >= expected.Count && job2.CurrentWatermark >= Base + 10_000_000 - 1_001), TimeSpan.FromSeconds(90));
            Assert.Equal(0, job2.Restarts);
            await job2.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            if (nodeB is not null)
            {
                await CoordinatedShutdown.Get(nodeB).Run(CoordinatedShutdown.ClusterLeavingReason.Instance).WaitAsync(TimeSpan.FromSeconds(30));
            }

            await nodeA.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }

        // The plain sink is at least once: windows fired after the chosen checkpoint fire again, with the same counts.
        Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), Topics.Latest("counts").OrderBy(e => e.Key, StringComparer.Ordinal));
    }

    public void Dispose() => _kafka.Dispose();

    private StreamJob Job(ActorSystem system)
    {
        var consumer = ConsumerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers).WithGroupId("pinned");
        var producer = ProducerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers);
        return StreamJobBuilder.Create(JobName)
            .WithSerializers(WireTestJobs.WithClicks())
            .FromSource("clicks", KafkaConnectors.Source(consumer, Subscriptions.Topics("clicks"), ClickTopics.Format.FromKafka),
                WatermarkStrategy<Click>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(1)).WithTimestampAssigner((c, _) => c.Time))
            .KeyBy(c => c.User)
            .Process("count", () => WindowOperators.For<string, Click>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)))
                .Aggregate(new CountAggregate(), new Label()))
            .To(KafkaConnectors.Sink<string>(producer, s => new ProducerRecord<byte[], byte[]>("counts", new Message<byte[], byte[]> { Key = [], Value = Encoding.UTF8.GetBytes(s) })))
            .Build();
    }

    private sealed class WarningCollector : ReceiveActor
    {
        public WarningCollector(ConcurrentQueue<string> warnings) => Receive<Warning>(w => warnings.Enqueue(w.Message?.ToString() ?? ""));
    }
}

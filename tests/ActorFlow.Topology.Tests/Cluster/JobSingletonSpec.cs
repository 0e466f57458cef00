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
using Xunit.Abstractions;

namespace ActorFlow.Topology.Tests.Cluster;

/// <summary>
/// A job run as a cluster singleton (<see cref="JobRunner.StartSingletonAsync"/>) on two nodes sharing one PostgreSQL
/// database: it runs on the oldest node and moves to the other when that node leaves the cluster or is downed (a crash
/// as the cluster sees it), restoring the last complete checkpoint there; its exactly-once output holds every window
/// once. Before, a job whose node died stayed down until that node's process was started again.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class JobSingletonSpec : IDisposable
{
    private const long Base = 1_700_000_000_000;
    private const string JobName = "clicks-singleton";
    private readonly LocalPostgres _postgres;
    private readonly ITestOutputHelper _output;
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 4, ["counts"] = 1 },
    });

    public JobSingletonSpec(LocalPostgres postgres, ITestOutputHelper output)
    {
        _postgres = postgres;
        _output = output;
    }

    /// <summary>Verify the hand-over when the job's node leaves the cluster: the job stops there and starts on the other node.</summary>
    [Fact]
    public Task A_singleton_job_must_move_to_the_next_node_when_its_node_leaves() =>
        MovesAsync("singleton_leave", nodeA => CoordinatedShutdown.Get(nodeA).Run(CoordinatedShutdown.ClusterLeavingReason.Instance));

    /// <summary>Verify the takeover when the job's node is downed (as the split-brain resolver downs a node that crashed or is cut off).</summary>
    [Fact]
    public Task A_singleton_job_must_be_taken_over_when_its_node_is_downed() =>
        MovesAsync("singleton_down", nodeA =>
        {
            Akka.Cluster.Cluster.Get(nodeA).Down(Akka.Cluster.Cluster.Get(nodeA).SelfAddress);
            return nodeA.WhenTerminated;
        });

    public void Dispose() => _kafka.Dispose();

    private async Task MovesAsync(string database, Func<ActorSystem, Task> removeFirstNode)
    {
        var random = new Random(11);
        var clicks = Enumerable.Range(0, 2000)
            .Select(i => new Click("user-" + (i % 30).ToString(CultureInfo.InvariantCulture), Base + (i * 10) + random.Next(-300, 300)))
            .ToList();
        var expected = clicks
            .GroupBy(c => (c.User, Start: c.Time - (((c.Time % 1000) + 1000) % 1000)))
            .Select(g => $"{g.Key.User}|{g.Key.Start}|{g.Count()}")
            .Order(StringComparer.Ordinal)
            .ToList();

        var state = StateStoreSettings.PostgreSql(_postgres.CreateDatabase(database));
        var options = new JobRunnerOptions { CheckpointInterval = TimeSpan.FromMilliseconds(500) };
        var nodeA = await ActorFlowCluster.StartNodeAsync("singleton", state, overrides: TwoNodeCluster.Overrides);
        ActorSystem? nodeB = null;
        try
        {
            nodeB = await ActorFlowCluster.StartNodeAsync("singleton", state, [Akka.Cluster.Cluster.Get(nodeA).SelfAddress], TwoNodeCluster.Overrides);
            await Poll.UntilAsync(() => Akka.Cluster.Cluster.Get(nodeA).State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up) == 2, TimeSpan.FromSeconds(30));

            // A node reads the singleton's messages before it calls StartSingletonAsync (a restarted node): it logged
            // "Cannot find serializer with id [14]" when only StartSingletonAsync added the singleton's configuration.
            Assert.True(nodeB.Settings.Config.HasPath("akka.actor.serializers.akka-singleton"));
            var onA = await JobRunner.StartSingletonAsync(nodeA, () => Job(nodeA), options);
            var onB = await JobRunner.StartSingletonAsync(nodeB, () => Job(nodeB), options);
            await Poll.UntilAsync(() => onA.Current is not null, TimeSpan.FromSeconds(30), () => $"the job did not start on the oldest node ({onA.LastStartFailure?.Message})");
            Assert.Null(onB.Current);

            // Half the input, then a completed checkpoint that published some windows on node A.
            Produce(clicks[..1000], end: false);
            var first = onA.Current!;
            await Poll.UntilAsync(() => ReadAll().Count > 0 && first.LastCompletedCheckpoint > 0, TimeSpan.FromSeconds(60));
            _output.WriteLine($"node A: checkpoint {first.LastCompletedCheckpoint}, {ReadAll().Count} windows out");

            await removeFirstNode(nodeA).WaitAsync(TimeSpan.FromSeconds(60));
            await Poll.UntilAsync(() => onB.Current is not null, TimeSpan.FromSeconds(60), () => $"node B did not take the job over ({onB.LastStartFailure?.Message})");
            Assert.Null(onA.Current);
            await first.Completion.ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(TimeSpan.FromSeconds(30)); // ended on node A

            Produce(clicks[1000..], end: true);
            await Poll.UntilAsync(() => ReadAll().Count >= expected.Count, TimeSpan.FromSeconds(90), () => $"{ReadAll().Count} of {expected.Count} windows out");
            var second = onB.Current!;
            await second.CheckpointAsync(); // anything written twice would be published by now
            Assert.Equal(expected, ReadAll().Order(StringComparer.Ordinal).ToList());
        }
        finally
        {
            if (nodeB is not null)
            {
                await nodeB.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
            }

            await nodeA.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    private StreamJob Job(ActorSystem system)
    {
        var consumer = ConsumerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers).WithGroupId("singleton");
        var producer = ProducerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers);
        return StreamJobBuilder.Create(JobName)
            .WithSerializers(WireTestJobs.WithClicks())
            .FromSource("clicks", KafkaConnectors.Source(consumer, Subscriptions.Topics("clicks"), ClickTopics.Format.FromKafka),
                WatermarkStrategy<Click>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(1)).WithTimestampAssigner((c, _) => c.Time))
            .KeyBy(c => c.User)
            .Process("count", () => WindowOperators.For<string, Click>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)))
                .Aggregate(new CountAggregate(), new Label()))
            .To(KafkaConnectors.ExactlyOnceSink<string>(producer, "counts", s => (null, Encoding.UTF8.GetBytes(s))))
            .Build();
    }

    private void Produce(List<Click> clicks, bool end)
    {
        using var topics = new TestTopics(_kafka.BootstrapServers);
        var input = topics.Topic("clicks", new TopicFormat<Click>(ClickTopics.Format.Encode, ClickTopics.Format.Decode, c => c.Time));
        input.Produce(clicks);
        if (end)
        {
            // One record per partition far in the future moves every partition's watermark past all real windows.
            input.ProduceToEveryPartition(new Click("zz-end", Base + 10_000_000));
        }
    }

    private List<string> ReadAll()
    {
        using var topics = new TestTopics(_kafka.BootstrapServers);
        return [.. topics.Topic("counts", TopicFormat.Utf8).ReadToEnd()];
    }
}

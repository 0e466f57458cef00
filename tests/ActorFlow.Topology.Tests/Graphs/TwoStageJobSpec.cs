using System.Globalization;
using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Windowing;
using ActorFlow.Persistence.Config;
using ActorFlow.TestKit;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.EndToEnd;
using Akka.Actor;

namespace ActorFlow.Topology.Tests.Graphs;

/// <summary>
/// Issue 15: a job of two keyed stages on different keys (a tumbling count per user, re-partitioned by window for the
/// top 3 users per window, Nexmark q5's shape), through the exactly-once sink, against a LINQ reference; also across a
/// crash between checkpoints (every stage restores the same complete checkpoint).
/// </summary>
public sealed class TwoStageJobSpec : IDisposable
{
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 4, ["top"] = 1 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-two-stage");
    private readonly ClickTopics _topics;

    public TwoStageJobSpec() => _topics = new ClickTopics(_kafka);

    /// <summary>Verify that a window count followed by a top 3 per window (a re-partition) emits exactly the reference's results, each once.</summary>
    [Fact]
    public async Task A_count_then_top_three_per_window_must_match_the_reference()
    {
        var clicks = Clicks(seed: 5, count: 4000);
        _topics.Produce(clicks);
        _topics.ProduceEnd();
        var expected = GraphJobs.TopPerWindow(ClickTopics.CountsPerSecond(clicks), 3);

        var system = await ActorFlowCluster.StartNodeAsync("two-stage", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var job = TopJob(system);
            Assert.Equal(2, job.Plan.Hops);
            var running = await JobRunner.StartAsync(system, job, new JobRunnerOptions { CheckpointInterval = TimeSpan.FromMilliseconds(500) });
            await Poll.UntilAsync(() => _topics.Read("top").Count >= expected.Count, TimeSpan.FromSeconds(90));
            await running.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }

        Assert.Equal(expected, _topics.Read("top").Order(StringComparer.Ordinal).ToList());
    }

    /// <summary>
    /// Verify that a two-stage job whose node dies after a checkpoint, with records of both stages after it, restores
    /// both stages from that checkpoint on a new node and ends with the reference's results, each exactly once.
    /// </summary>
    [Fact]
    public async Task A_two_stage_job_must_restore_both_stages_from_the_same_checkpoint()
    {
        var clicks = Clicks(seed: 9, count: 4000);
        var (first, second, third) = (clicks[..1500], clicks[1500..2500], clicks[2500..]);
        var expected = GraphJobs.TopPerWindow(ClickTopics.CountsPerSecond(clicks), 3);
        _topics.Produce(first);

        var system = await ActorFlowCluster.StartNodeAsync("two-stage-a", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var running = await JobRunner.StartAsync(system, TopJob(system), new JobRunnerOptions { CheckpointInterval = TimeSpan.FromHours(1) });
            await Poll.UntilAsync(() => running.CurrentWatermark >= first.Max(c => c.Time) - 2_000, TimeSpan.FromSeconds(60));
            var checkpoint = await running.CheckpointAsync();
            Assert.Contains(checkpoint.KeyGroups, kg => kg.KeyGroup >= 128); // the second stage's key groups are in it
            await Poll.UntilAsync(() => _topics.Read("top").Count > 0, TimeSpan.FromSeconds(30)); // published after the record is durable
            // Both stages apply more records; the exactly-once sink publishes none of their results before a checkpoint.
            _topics.Produce(second);
            await Poll.UntilAsync(() => running.CurrentWatermark >= second.Max(c => c.Time) - 2_000, TimeSpan.FromSeconds(60));
        }
        finally
        {
            // A crash: no stop, the records after the checkpoint (already counted by both stages) are replayed.
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }

        _topics.Produce(third);
        _topics.ProduceEnd();
        system = await ActorFlowCluster.StartNodeAsync("two-stage-b", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var running = await JobRunner.StartAsync(system, TopJob(system), new JobRunnerOptions { CheckpointInterval = TimeSpan.FromMilliseconds(500) });
            await Poll.UntilAsync(() => _topics.Read("top").Count >= expected.Count, TimeSpan.FromSeconds(90));
            await running.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }

        Assert.Equal(expected, _topics.Read("top").Order(StringComparer.Ordinal).ToList());
    }

    public void Dispose()
    {
        _kafka.Dispose();
        _data.Dispose();
    }

    private static List<Click> Clicks(int seed, int count)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(i => new Click("user-" + random.Next(0, 12).ToString(CultureInfo.InvariantCulture), ClickTopics.Base + (i * 5) + random.Next(-300, 300)))];
    }

    private StreamJob TopJob(ActorSystem system)
    {
        var consumer = ConsumerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers).WithGroupId("two-stage");
        var producer = ProducerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers);
        var builder = StreamJobBuilder.Create("two-stage");
        GraphJobs.Clicks(builder, consumer, "clicks", 4)
            .KeyBy(c => c.User)
            .Process("count", () => WindowOperators.For<string, Click>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1))).Aggregate(new CountAggregate(), new Label()))
            .KeyBy(GraphJobs.StartOf)
            .Process("top3", () => KeyedProcessOperators.Create(new GraphJobs.TopN(3)))
            .To(KafkaConnectors.ExactlyOnceSink<string>(producer, "top", s => (null, Encoding.UTF8.GetBytes(s))));
        return builder.Build();
    }
}

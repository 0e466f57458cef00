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
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Runtime.Internal;
using ActorFlow.Topology.Tests.EndToEnd;
using Akka.Actor;
using Confluent.Kafka;

namespace ActorFlow.Topology.Tests.Checkpoints;

public sealed class RecoverySpec : IDisposable
{
    private const long Base = 1_700_000_000_000;
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 4, ["counts"] = 1 },
    });

    private ClickTopics Topics => new(_kafka);

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-recovery");

    /// <summary>
    /// Verify that a job whose node dies after a checkpoint restarts from that checkpoint's state and offsets: windows
    /// that span the crash count every record once (no loss, no double count), as in a failure-free run.
    /// </summary>
    [Fact]
    public async Task A_job_must_resume_from_its_last_complete_checkpoint_after_a_crash()
    {
        var random = new Random(7);
        var clicks = Enumerable.Range(0, 4000)
            .Select(i => new Click("user-" + (i % 30).ToString(CultureInfo.InvariantCulture), Base + (i * 5) + random.Next(-300, 300)))
            .ToList();
        var expected = clicks
            .GroupBy(c => (c.User, Start: c.Time - (((c.Time % 1000) + 1000) % 1000)))
            .ToDictionary(g => $"{g.Key.User}|{g.Key.Start}", g => (long)g.Count());

        Topics.Produce(clicks.Take(2000));
        var first = await ActorFlowCluster.StartNodeAsync("recovery", StateStoreSettings.Sqlite(_data.Path));
        var job1 = await JobRunner.StartAsync(first, BuildJob(first), new JobRunnerOptions { CheckpointInterval = null });
        await ClickTopics.AwaitAsync(() => Topics.Read("counts").Count > 5, TimeSpan.FromSeconds(60)); // records are flowing
        var checkpoint = await job1.CheckpointAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(checkpoint.KeyGroups.Length > 0);
        Assert.InRange(checkpoint.Offsets.Sum(o => o.Offset), 1, 2000); // the barrier follows what was dispatched so far

        // Records after the checkpoint: processed by the first node, then lost with it (no second checkpoint).
        Topics.Produce(clicks.Skip(2000).Take(1000));
        await ClickTopics.AwaitAsync(() => Topics.Read("counts").Count > 0 && first.WhenTerminated.IsCompleted is false, TimeSpan.FromSeconds(5));
        await first.Terminate().WaitAsync(TimeSpan.FromSeconds(30)); // the node dies: no stop, no drain, no final checkpoint

        var second = await ActorFlowCluster.StartNodeAsync("recovery", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var job2 = await JobRunner.StartAsync(second, BuildJob(second), new JobRunnerOptions { CheckpointInterval = null });
            Topics.Produce(clicks.Skip(3000));
            Topics.ProduceEnd();
            await ClickTopics.AwaitAsync(() => Topics.Latest("counts").Count >= expected.Count, TimeSpan.FromSeconds(60));
            await job2.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await second.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }

        // A window fired between the checkpoint and the crash is fired again after recovery with the same count:
        // output is at least once here, state is exactly once (every count equals the reference).
        Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), Topics.Latest("counts").OrderBy(e => e.Key, StringComparer.Ordinal));
    }

    public void Dispose()
    {
        _kafka.Dispose();
        _data.Dispose();
    }

    private StreamJob BuildJob(ActorSystem system)
    {
        var consumer = ConsumerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers).WithGroupId("recovery");
        var producer = ProducerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers);
        return StreamJobBuilder.Create("recovering-count")
            .FromSource("clicks", KafkaConnectors.Source(consumer, Subscriptions.Topics("clicks"), r =>
                    new Click(Encoding.UTF8.GetString(r.Message.Key), long.Parse(Encoding.UTF8.GetString(r.Message.Value), CultureInfo.InvariantCulture))),
                WatermarkStrategy<Click>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(1)).WithTimestampAssigner((c, _) => c.Time))
            .KeyBy(c => c.User)
            .Process("count", () => WindowOperators.For<string, Click>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)))
                .Aggregate(new CountAggregate(), new Label()))
            .To(KafkaConnectors.Sink<string>(producer, s => new ProducerRecord<byte[], byte[]>("counts", new Message<byte[], byte[]> { Key = [], Value = Encoding.UTF8.GetBytes(s) })))
            .Build();
    }

}

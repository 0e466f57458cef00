using System.Globalization;
using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Producer;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Operators.Windowing;
using ActorFlow.TestKit;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.EndToEnd;
using Confluent.Kafka;

namespace ActorFlow.Topology.Tests.Checkpoints;

public sealed class RecoverySpec
{
    private const long Base = 1_700_000_000_000;

    /// <summary>
    /// Verify that a job whose node dies after a checkpoint restarts from that checkpoint's state and offsets: windows
    /// that span the crash count every record once (no loss, no double count), as in a failure-free run.
    /// </summary>
    [Fact]
    public async Task A_job_must_resume_from_its_last_complete_checkpoint_after_a_crash()
    {
        await using var h = await JobHarness.StartAsync(new JobHarnessOptions
        {
            NodeName = "recovery",
            Topics = new Dictionary<string, int> { ["clicks"] = 4, ["counts"] = 1 },
        });
        var topics = new ClickTopics(h.Kafka);
        var random = new Random(7);
        var clicks = Enumerable.Range(0, 4000)
            .Select(i => new Click("user-" + (i % 30).ToString(CultureInfo.InvariantCulture), Base + (i * 5) + random.Next(-300, 300)))
            .ToList();
        var expected = clicks
            .GroupBy(c => (c.User, Start: c.Time - (((c.Time % 1000) + 1000) % 1000)))
            .ToDictionary(g => $"{g.Key.User}|{g.Key.Start}", g => (long)g.Count());

        topics.Produce(clicks.Take(2000));
        await h.StartJobAsync(BuildJob, new JobRunnerOptions { CheckpointInterval = null });
        await Poll.UntilAsync(() => topics.Read("counts").Count > 5, TimeSpan.FromSeconds(60)); // records are flowing
        var checkpoint = await h.CheckpointAsync();
        Assert.True(checkpoint.KeyGroups.Length > 0);
        Assert.InRange(checkpoint.Offsets.Sum(o => o.Offset), 1, 2000); // the barrier follows what was dispatched so far

        // Records after the checkpoint: processed by the first node, then lost with it (no second checkpoint).
        topics.Produce(clicks.Skip(2000).Take(1000));
        await Poll.UntilAsync(() => topics.Read("counts").Count > 0 && h.System.WhenTerminated.IsCompleted is false, TimeSpan.FromSeconds(5));
        await h.KillAsync(); // the node dies: no stop, no drain, no final checkpoint

        await h.RestoreAsync();
        topics.Produce(clicks.Skip(3000));
        topics.ProduceEnd();
        await Poll.UntilAsync(() => topics.Latest("counts").Count >= expected.Count, TimeSpan.FromSeconds(60));
        await h.StopJobAsync();

        // A window fired between the checkpoint and the crash is fired again after recovery with the same count:
        // output is at least once here, state is exactly once (every count equals the reference).
        Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), topics.Latest("counts").OrderBy(e => e.Key, StringComparer.Ordinal));
    }

    private static StreamJob BuildJob(JobHarness h) =>
        StreamJobBuilder.Create("recovering-count")
            .FromSource("clicks", KafkaConnectors.Source(h.ConsumerSettings("recovery"), Subscriptions.Topics("clicks"), ClickTopics.Format.FromKafka),
                WatermarkStrategy<Click>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(1)).WithTimestampAssigner((c, _) => c.Time))
            .KeyBy(c => c.User)
            .Process("count", () => WindowOperators.For<string, Click>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)))
                .Aggregate(new CountAggregate(), new Label()))
            .To(KafkaConnectors.Sink<string>(h.ProducerSettings(), s => new ProducerRecord<byte[], byte[]>("counts", new Message<byte[], byte[]> { Key = [], Value = Encoding.UTF8.GetBytes(s) })))
            .Build();
}

using System.Globalization;
using System.Text;
using ActorFlow.Docs.Tests.Runtime;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Operators.Windowing;
using ActorFlow.TestKit;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;

namespace ActorFlow.Docs.Tests.Testing;

/// <summary>docs/testing.md, "Testing a job": the example, run on the embedded broker.</summary>
public sealed class JobTestSnippetSpec
{
    private const long Base = 1_700_000_000_000;

    // begin-snippet: testing-job-format
    /// <summary>Clicks in Kafka: the user as key, the event time as value and as the record's Kafka timestamp.</summary>
    private static readonly TopicFormat<Click> Clicks = new(
        c => (Encoding.UTF8.GetBytes(c.User), Encoding.UTF8.GetBytes(c.Time.ToString(CultureInfo.InvariantCulture))),
        (key, value) => new Click(Encoding.UTF8.GetString(key!), long.Parse(Encoding.UTF8.GetString(value), CultureInfo.InvariantCulture)),
        c => c.Time);

    /// <summary>The job under test: clicks per user and second, written exactly once to "counts".</summary>
    private static StreamJob CountJob(JobHarness h) =>
        StreamJobBuilder.Create("clicks-per-second")
            .WithDeadLetters(KafkaConnectors.DeadLetters(h.ProducerSettings(), "dead"))
            .FromSource("clicks", KafkaConnectors.Source(h.ConsumerSettings("counter"), Subscriptions.Topics("clicks"), Clicks.FromKafka),
                WatermarkStrategy<Click>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(1)).WithTimestampAssigner((c, _) => c.Time))
            .KeyBy(c => c.User)
            .Process("count", () => WindowOperators.For<string, Click>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)))
                .Aggregate(Aggregates.Count<Click>(), (user, window, count) => string.Create(CultureInfo.InvariantCulture, $"{user}|{window.Start}|{count}")))
            .To(KafkaConnectors.ExactlyOnceSink<string>(h.ProducerSettings(), "counts", s => (null, Encoding.UTF8.GetBytes(s))))
            .Build();
    // end-snippet

    /// <summary>Verify that the documented job test passes: a job killed after a checkpoint and restored writes every count exactly once.</summary>
    [Fact]
    public async Task The_documented_job_test_must_pass()
    {
        // begin-snippet: testing-job-test
        await using var h = await JobHarness.StartAsync(new JobHarnessOptions
        {
            Topics = new Dictionary<string, int> { ["clicks"] = 4, ["counts"] = 1, ["dead"] = 1 },
        });
        var clicks = h.Topic("clicks", Clicks);
        var counts = h.Topic("counts", TopicFormat.Utf8);
        List<Click> input = [new("ann", Base + 100), new("bob", Base + 200), new("ann", Base + 900), new("ann", Base + 1_500)];

        clicks.Produce(input.Take(2));
        clicks.ProduceRaw("ann"u8.ToArray(), "yesterday"u8.ToArray());    // undecodable: becomes a dead letter
        await h.StartJobAsync(CountJob, new JobRunnerOptions { CheckpointInterval = null });
        await h.Topic("dead", TopicFormat.Utf8).AwaitCountAsync(1, TimeSpan.FromSeconds(60));
        await h.CheckpointAsync();                                        // state and offsets of the first records
        await h.KillAsync();                                              // a crash: no stop, no drain

        await h.RestoreAsync();                                           // a new node, from the last checkpoint
        clicks.Produce(input.Skip(2));
        clicks.ProduceToEveryPartition(new Click("end", Base + 60_000));  // every partition's watermark passes the windows
        await Poll.UntilAsync(
            async () =>
            {
                await h.CheckpointAsync();                                // the exactly-once sink publishes on checkpoints
                return counts.ReadToEnd().Count >= 3;
            },
            TimeSpan.FromSeconds(60),
            "three counts");
        await h.StopJobAsync();

        OutputAssert.Equivalent([$"ann|{Base}|2", $"bob|{Base}|1", $"ann|{Base + 1_000}|1"], counts.ReadToEnd());
        Assert.Contains("decoding failed", Assert.Single(h.ReadDeadLetters("dead")).Reason, StringComparison.Ordinal);
        // end-snippet
    }
}

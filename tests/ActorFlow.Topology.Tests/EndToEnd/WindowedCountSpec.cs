using System.Globalization;
using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Producer;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Operators.Windowing;
using ActorFlow.TestKit;
using ActorFlow.Topology.Dsl;
using Confluent.Kafka;

namespace ActorFlow.Topology.Tests.EndToEnd;

/// <summary>A click: a user and the record's event time.</summary>
public sealed record Click(string User, long Time);

/// <summary>Counts the records of a window.</summary>
public sealed class CountAggregate : IAggregateFunction<Click, long, long>
{
    /// <inheritdoc />
    public long CreateAccumulator() => 0;

    /// <inheritdoc />
    public long Add(Click value, long accumulator) => accumulator + 1;

    /// <inheritdoc />
    public long GetResult(long accumulator) => accumulator;

    /// <inheritdoc />
    public long Merge(long a, long b) => a + b;
}

/// <summary>Emits "user|windowStart|count" for each fired window.</summary>
public sealed class Label : ProcessWindowFunction<string, long, string>
{
    /// <inheritdoc />
    public override void Process(string key, ProcessWindowContext context, IReadOnlyList<long> elements, Operators.ICollector<string> output) =>
        output.Collect(string.Create(CultureInfo.InvariantCulture, $"{key}|{context.Window.Start}|{elements[0]}"));
}

public sealed class WindowedCountSpec
{
    private const long Base = 1_700_000_000_000;

    /// <summary>Clicks with their event time as the Kafka timestamp.</summary>
    private static readonly TopicFormat<Click> Clicks = new(ClickTopics.Format.Encode, ClickTopics.Format.Decode, c => c.Time);

    /// <summary>
    /// Verify that a windowed count over out-of-order data, run on the sharded key-group runtime, emits exactly the
    /// counts of a reference computation, and that undecodable records end in the dead-letter topic.
    /// </summary>
    [Fact]
    public async Task A_windowed_count_job_must_match_the_reference_computation()
    {
        await using var h = await JobHarness.StartAsync(new JobHarnessOptions
        {
            NodeName = "e2e",
            Topics = new Dictionary<string, int> { ["clicks"] = 4, ["counts"] = 1, ["dead"] = 1 },
        });
        var random = new Random(42);
        var clicks = Enumerable.Range(0, 3000)
            .Select(i => new Click("user-" + (i % 25).ToString(CultureInfo.InvariantCulture), Base + (i * 7) + random.Next(-400, 400)))
            .ToList();
        var input = h.Topic("clicks", Clicks);
        input.Produce(clicks);
        for (var i = 0; i < 3; i++)
        {
            input.ProduceRaw(Encoding.UTF8.GetBytes("poison"), Encoding.UTF8.GetBytes("not-a-number"));
        }

        // One record per partition far in the future moves every partition's watermark past all real windows.
        input.ProduceToEveryPartition(new Click("zz-end", Base + 10_000_000));

        var expected = clicks
            .GroupBy(c => (c.User, Start: c.Time - (((c.Time % 1000) + 1000) % 1000)))
            .Select(g => $"{g.Key.User}|{g.Key.Start}|{g.Count()}")
            .Order(StringComparer.Ordinal)
            .ToList();

        await h.StartJobAsync(h => StreamJobBuilder.Create("clicks-per-second")
            .WithDeadLetters(KafkaConnectors.DeadLetters(h.ProducerSettings(), "dead"))
            .FromSource("clicks", KafkaConnectors.Source(h.ConsumerSettings("e2e"), Subscriptions.Topics("clicks"), Clicks.FromKafka),
                WatermarkStrategy<Click>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(1)).WithTimestampAssigner((c, _) => c.Time))
            .KeyBy(c => c.User)
            .Process("count", () => WindowOperators.For<string, Click>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)))
                .Aggregate(new CountAggregate(), new Label()))
            .To(KafkaConnectors.Sink<string>(h.ProducerSettings(), s => new ProducerRecord<byte[], byte[]>("counts", new Message<byte[], byte[]> { Key = [], Value = Encoding.UTF8.GetBytes(s) })))
            .Build());
        var counts = h.Topic("counts", TopicFormat.Utf8);
        await counts.AwaitCountAsync(expected.Count, TimeSpan.FromSeconds(60));
        await h.StopJobAsync();

        Assert.Equal(expected, counts.ReadToEnd().Order(StringComparer.Ordinal).ToList());
        var dead = h.ReadDeadLetters("dead");
        Assert.Equal(3, dead.Count);
        Assert.All(dead, d => Assert.Contains("decoding failed", d.Reason, StringComparison.Ordinal));
    }
}

using System.Globalization;
using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Operators.Windowing;
using ActorFlow.Topology.Dsl;

namespace ActorFlow.TestKit.Tests.Jobs;

/// <summary>A click: a user and its event time (epoch ms).</summary>
public sealed record Click(string User, long Time);

/// <summary>The job of the job-harness specs: a tumbling 1 s count per user, "user|windowStart|count", exactly once.</summary>
internal static class ClickJob
{
    public const long Base = 1_700_000_000_000;

    /// <summary>Clicks in Kafka: the user as key, the event time as value text and as the record's timestamp.</summary>
    public static readonly TopicFormat<Click> Format = TopicFormat.Text<Click>(
        c => c.Time.ToString(CultureInfo.InvariantCulture), _ => throw new NotSupportedException(), c => c.User, c => c.Time);

    /// <summary>Clicks with the user read from the key.</summary>
    public static readonly TopicFormat<Click> KeyedFormat = new(
        Format.Encode,
        (key, value) => new Click(Encoding.UTF8.GetString(key!), long.Parse(Encoding.UTF8.GetString(value), CultureInfo.InvariantCulture)),
        c => c.Time);

    public static StreamJob Build(JobHarness h) =>
        StreamJobBuilder.Create("clicks-per-second")
            .WithDeadLetters(KafkaConnectors.DeadLetters(h.ProducerSettings(), "dead"))
            .FromSource("clicks", KafkaConnectors.Source(h.ConsumerSettings("counter"), Subscriptions.Topics("clicks"), KeyedFormat.FromKafka),
                WatermarkStrategy<Click>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(1)).WithTimestampAssigner((c, _) => c.Time))
            .KeyBy(c => c.User)
            .Process("count", () => WindowOperators.For<string, Click>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)))
                .Aggregate(Aggregates.Count<Click>(), (user, window, count) => string.Create(CultureInfo.InvariantCulture, $"{user}|{window.Start}|{count}")))
            .To(KafkaConnectors.ExactlyOnceSink<string>(h.ProducerSettings(), "counts", s => (null, Encoding.UTF8.GetBytes(s))))
            .Build();

    public static List<Click> Clicks(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(i => new Click("user-" + (i % 20).ToString(CultureInfo.InvariantCulture), Base + (i * 5) + random.Next(-300, 300)))];
    }

    /// <summary>The reference: "user|windowStart|count" per user and 1 s window.</summary>
    public static List<string> Counts(IEnumerable<Click> clicks) =>
        [.. clicks.GroupBy(c => (c.User, Start: c.Time - (((c.Time % 1000) + 1000) % 1000)))
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key.User}|{g.Key.Start}|{g.Count()}"))];
}

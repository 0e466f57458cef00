using System.Globalization;
using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Operators.Windowing;
using ActorFlow.TestKit;
using ActorFlow.Topology.Dsl;
using Akka.Actor;

namespace ActorFlow.Hosting.Tests;

/// <summary>The job the hosting specs run: clicks per user and second from "clicks", written exactly once to "counts".</summary>
internal static class CountJob
{
    /// <summary>Event time of the first window.</summary>
    public const long Base = 1_700_000_000_000;

    /// <summary>Clicks in Kafka: the user as key, the event time as value and as the record's Kafka timestamp.</summary>
    public static readonly TopicFormat<Click> Clicks = new(
        c => (Encoding.UTF8.GetBytes(c.User), Encoding.UTF8.GetBytes(c.Time.ToString(CultureInfo.InvariantCulture))),
        (key, value) => new Click(Encoding.UTF8.GetString(key!), long.Parse(Encoding.UTF8.GetString(value), CultureInfo.InvariantCulture)),
        c => c.Time);

    /// <summary>The job over <paramref name="kafka"/>; <paramref name="bounded"/> reads "clicks" up to its end at start.</summary>
    public static StreamJob Build(ActorSystem system, EmbeddedKafka kafka, bool bounded = false, Func<ProducerSettings<byte[], byte[]>, ProducerSettings<byte[], byte[]>>? producer = null)
    {
        var consumer = ConsumerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(kafka.BootstrapServers).WithGroupId("counter");
        var output = ProducerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(kafka.BootstrapServers);
        output = producer?.Invoke(output) ?? output;
        var source = bounded
            ? KafkaConnectors.BoundedSource(consumer, Subscriptions.Topics("clicks"), Clicks.FromKafka)
            : KafkaConnectors.Source(consumer, Subscriptions.Topics("clicks"), Clicks.FromKafka);
        return StreamJobBuilder.Create("clicks-per-second")
            .FromSource("clicks", source, WatermarkStrategy<Click>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(1)).WithTimestampAssigner((c, _) => c.Time))
            .KeyBy(c => c.User)
            .Process("count", () => WindowOperators.For<string, Click>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)))
                .Aggregate(Aggregates.Count<Click>(), (user, window, count) => string.Create(CultureInfo.InvariantCulture, $"{user}|{window.Start}|{count}")))
            .To(KafkaConnectors.ExactlyOnceSink<string>(output, "counts", s => (null, Encoding.UTF8.GetBytes(s))))
            .Build();
    }
}

/// <summary>A click of <paramref name="User"/> at event time <paramref name="Time"/> (epoch ms).</summary>
internal sealed record Click(string User, long Time);

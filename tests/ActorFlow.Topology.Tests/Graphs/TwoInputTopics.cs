using System.Globalization;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators.Watermarks;
using ActorFlow.TestKit;
using ActorFlow.Topology.Dsl;
using Confluent.Kafka;

namespace ActorFlow.Topology.Tests.Graphs;

/// <summary>An event of the two-input specs: a kind, a key, a number and an event time ("kind|key|number|time" in Kafka).</summary>
public sealed record Event(string Kind, string Key, long Number, long Time)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Kind}|{Key}|{Number}|{Time}");

    public static Event Parse(string text)
    {
        var p = text.Split('|');
        return new Event(p[0], p[1], long.Parse(p[2], CultureInfo.InvariantCulture), long.Parse(p[3], CultureInfo.InvariantCulture));
    }
}

/// <summary>The serializer of <see cref="Event"/> (its text form), for joins that keep events in state.</summary>
internal static class EventSerializer
{
    public static ActorFlow.Operators.Serialization.SerializerRegistry Registry() =>
        new ActorFlow.Operators.Serialization.SerializerRegistry().Register(ActorFlow.Operators.Serialization.Serializers.Create<Event>(
            (w, e) => w.WriteString(e.ToString()),
            (ref ActorFlow.Operators.Serialization.StateReader r) => Event.Parse(r.ReadString()!)));
}

/// <summary>Test fixture: topics of events on an embedded broker (key = the event's key, so a key stays in one partition).</summary>
internal sealed class TwoInputTopics(EmbeddedKafka kafka)
{
    /// <summary>Events in Kafka: the event's key as key, its text form as value.</summary>
    public static readonly TopicFormat<Event> Format = TopicFormat.Text(e => e.ToString(), Event.Parse, e => e.Key);

    public void Produce(string topic, IEnumerable<Event> events)
    {
        using var topics = new TestTopics(kafka.BootstrapServers);
        topics.Topic(topic, Format).Produce(events);
    }

    /// <summary>One far-future event per partition, so every partition's watermark passes everything before.</summary>
    public void ProduceEnd(string topic, int partitions)
    {
        using var topics = new TestTopics(kafka.BootstrapServers);
        var events = topics.Topic(topic, Format);
        for (var p = 0; p < partitions; p++)
        {
            events.ProduceTo(new Event("end", "zz-end", 0, ClickTopics.Base + 10_000_000), partition: p);
        }
    }

    public DataStream<Event> Source(StreamJobBuilder builder, ConsumerSettings<byte[], byte[]> consumer, string topic, int partitions) =>
        builder.FromSource(topic, KafkaConnectors.Source(consumer, Subscriptions.Assignment([.. Enumerable.Range(0, partitions).Select(p => new TopicPartition(topic, p))]), Format.FromKafka),
            WatermarkStrategy<Event>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(1)).WithTimestampAssigner((e, _) => e.Time));
}

using System.Globalization;
using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Topology.Dsl;
using Akka.Actor;
using Confluent.Kafka;

namespace ActorFlow.Parquet.Tests.Sink;

/// <summary>A trade as the tests land it.</summary>
public sealed record Trade(long Id, string Symbol, double Price, long Time);

/// <summary>Builds the Kafka → Parquet landing job of the sink specs and produces its input.</summary>
internal static class LandingJob
{
    public const long Base = 1_795_000_000_000; // 2026-11-18T...

    public static Trade TradeOf(int i) =>
        new(i, "S" + (i % 5).ToString(CultureInfo.InvariantCulture), i * 0.5, Base + (i * 60_000L));

    public static void Produce(EmbeddedKafka kafka, string topic, IEnumerable<int> ids)
    {
        using var p = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build();
        foreach (var i in ids)
        {
            var t = TradeOf(i);
            p.Produce(new TopicPartition(topic, i % 2), new Message<Null, string>
            {
                Value = string.Create(CultureInfo.InvariantCulture, $"{t.Id},{t.Symbol},{t.Price},{t.Time}"),
            });
        }

        p.Flush(TimeSpan.FromSeconds(10));
    }

    public static Trade Decode(ConsumeResult<byte[], byte[]> r)
    {
        var f = Encoding.UTF8.GetString(r.Message.Value).Split(',');
        return new Trade(long.Parse(f[0], CultureInfo.InvariantCulture), f[1], double.Parse(f[2], CultureInfo.InvariantCulture), long.Parse(f[3], CultureInfo.InvariantCulture));
    }

    public static StreamJob Build(ActorSystem system, EmbeddedKafka kafka, string topic, ParquetSink<Trade> sink)
    {
        var consumer = ConsumerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(kafka.BootstrapServers).WithGroupId("landing");
        return StreamJobBuilder.Create("landing")
            .FromSource("trades", KafkaConnectors.Source(consumer, Subscriptions.Assignment(new TopicPartition(topic, 0), new TopicPartition(topic, 1)), Decode),
                WatermarkStrategy<Trade>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(1)).WithTimestampAssigner((t, _) => t.Time))
            .To(sink)
            .Build();
    }
}

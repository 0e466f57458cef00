using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators;
using ActorFlow.Topology.Connectors;
using Akka.Streams;
using Akka.Streams.Dsl;
using Confluent.Kafka;
using FraudDetection.Output;

namespace FraudDetection.Tests.Output;

/// <summary>
/// The sink the app counts its late transactions with: it counts what it passes on and, over a Kafka sink, keeps each
/// record's event time as the record's Kafka timestamp (the job hands sinks its batches with their timestamps).
/// </summary>
public sealed class CountingSinkSpec : Akka.TestKit.Xunit2.TestKit
{
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Topics = new Dictionary<string, int> { ["late"] = 1 } });

    /// <summary>Verify that the records reach the Kafka topic with their event times as CreateTime, counted.</summary>
    [Fact]
    public async Task A_counting_sink_over_a_Kafka_sink_must_write_each_records_event_time()
    {
        var counts = new Counts(["late"]);
        var producer = ProducerSettings<byte[], byte[]>.Create(Sys, null, null).WithBootstrapServers(_kafka.BootstrapServers);
        var sink = new CountingSink<string>(KafkaConnectors.Sink<string>(producer, "late", s => (null, Encoding.UTF8.GetBytes(s))), counts);
        IReadOnlyList<TimestampedValue<string>>[] batches =
        [
            [new("a", 1_700_000_000_123), new("b", 1_600_000_000_000)],
            [new("c", 1_700_000_100_000)],
        ];

        await Source.From(batches).RunWith(((IBatchSinkConnector<string>)sink).BatchSink(), Sys.Materializer()).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(3, counts.Total);
        Assert.Equal(
            [("a", 1_700_000_000_123L, TimestampType.CreateTime), ("b", 1_600_000_000_000L, TimestampType.CreateTime), ("c", 1_700_000_100_000L, TimestampType.CreateTime)],
            Read(3));
    }

    /// <summary>Verify that over a sink that takes no batches the values are passed on one by one, counted.</summary>
    [Fact]
    public async Task A_counting_sink_over_a_plain_sink_must_pass_the_values_on()
    {
        var counts = new Counts(["late"]);
        var seen = new List<string>();
        var sink = new CountingSink<string>(new ListSink(seen), counts);

        await Source.Single<IReadOnlyList<TimestampedValue<string>>>([new("a", 1), new("b", 2)]).RunWith(sink.BatchSink(), Sys.Materializer()).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, counts.Total);
        Assert.Equal(["a", "b"], seen);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _kafka.Dispose();
        }
    }

    private List<(string Value, long Timestamp, TimestampType Type)> Read(int atMost)
    {
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(new ConsumerConfig { BootstrapServers = _kafka.BootstrapServers, GroupId = "read-" + Guid.NewGuid().ToString("N") }).Build();
        consumer.Assign(new TopicPartitionOffset("late", 0, Offset.Beginning));
        var read = new List<(string, long, TimestampType)>();
        while (read.Count < atMost && consumer.Consume(TimeSpan.FromSeconds(10)) is { } r)
        {
            read.Add((Encoding.UTF8.GetString(r.Message.Value), r.Message.Timestamp.UnixTimestampMs, r.Message.Timestamp.Type));
        }

        return read;
    }

    private sealed class ListSink(List<string> seen) : ISinkConnector<string>
    {
        public Sink<string, Task<Akka.Done>> Sink() => Akka.Streams.Dsl.Sink.ForEach<string>(seen.Add);
    }
}

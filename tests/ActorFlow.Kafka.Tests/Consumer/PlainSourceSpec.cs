using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Dsl;
using Akka.Streams.Dsl;
using Confluent.Kafka;
using Xunit.Abstractions;

namespace ActorFlow.Kafka.Tests.Consumer;

public sealed class PlainSourceSpec(ITestOutputHelper output) : KafkaSpecBase(output)
{
    /// <summary>Verify that a plain source reads every record with its key, partition, offset, timestamp and headers.</summary>
    [Fact]
    public async Task A_PlainSource_must_read_records_with_their_metadata()
    {
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = Kafka.BootstrapServers }).Build())
        {
            for (var i = 0; i < 30; i++)
            {
                var message = new Message<string, string>
                {
                    Key = "k" + i,
                    Value = "v" + i,
                    Timestamp = new Timestamp(1_000 + i, TimestampType.CreateTime),
                    Headers = new Headers { { "n", [(byte)i] } },
                };
                producer.Produce(new TopicPartition(Topic, i % 3), message);
            }

            producer.Flush(TimeSpan.FromSeconds(10));
        }

        var (control, records) = KafkaConsumer.PlainSource(ConsumerSettings("g1"), Subscriptions.Topics(Topic))
            .Take(30)
            .ToMaterialized(Sink.Seq<ConsumeResult<string, string>>(), Keep.Both)
            .Run(Materializer);
        var all = await records.WaitAsync(TimeSpan.FromSeconds(30));
        await control.IsShutdown.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(30, all.Count);
        foreach (var r in all)
        {
            var i = int.Parse(r.Message.Key[1..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal("v" + i, r.Message.Value);
            Assert.Equal(i % 3, r.Partition.Value);
            Assert.Equal(1_000 + i, r.Message.Timestamp.UnixTimestampMs);
            Assert.Equal([(byte)i], r.Message.Headers.GetLastBytes("n"));
        }

        // per partition, offsets arrive in order
        foreach (var p in all.GroupBy(r => r.Partition.Value))
        {
            Assert.Equal(p.Select(r => r.Offset.Value).Order(), p.Select(r => r.Offset.Value));
        }
    }

    /// <summary>
    /// Verify that a manual assignment reads exactly the given partition from the given offset: every record of it
    /// from there to its end, in order, with no record of another partition among them.
    /// </summary>
    [Fact]
    public async Task A_PlainSource_must_read_a_manual_assignment_from_an_offset()
    {
        Produce(60);
        long end;
        using (var reader = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = Kafka.BootstrapServers, GroupId = "end-offsets" }).Build())
        {
            end = reader.QueryWatermarkOffsets(new TopicPartition(Topic, 1), TimeSpan.FromSeconds(10)).High.Value;
        }

        Assert.True(end > 5, $"partition 1 got {end} of the 60 records: too few to read from offset 5");
        var subscription = Subscriptions.AssignmentWithOffset(new TopicPartitionOffset(Topic, 1, 5));
        var records = await KafkaConsumer.PlainSource(ConsumerSettings("g2"), subscription)
            .Take(end - 5)
            .RunWith(Sink.Seq<ConsumeResult<string, string>>(), Materializer)
            .WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(records, r => Assert.Equal(1, r.Partition.Value));
        Assert.Equal(Enumerable.Range(5, (int)(end - 5)).Select(i => (long)i), records.Select(r => r.Offset.Value));
    }

    /// <summary>Verify that settings without bootstrap.servers or group.id fail when the source is built, naming the setting.</summary>
    [Fact]
    public async Task A_PlainSource_must_reject_incomplete_settings()
    {
        var noServers = Akka.Actor.ActorSystem.Create("x", "akka.loglevel=OFF");
        try
        {
            var settings = ActorFlow.Kafka.Settings.ConsumerSettings<string, string>.Create(noServers, null, null).WithGroupId("g");
            var e = Assert.Throws<InvalidOperationException>(() => KafkaConsumer.PlainSource(settings, Subscriptions.Topics(Topic)));
            Assert.Contains("bootstrap.servers", e.Message, StringComparison.Ordinal);
            var noGroup = ActorFlow.Kafka.Settings.ConsumerSettings<string, string>.Create(noServers, null, null).WithBootstrapServers(Kafka.BootstrapServers);
            Assert.Contains("group.id", Assert.Throws<InvalidOperationException>(() => KafkaConsumer.PlainSource(noGroup, Subscriptions.Topics(Topic))).Message, StringComparison.Ordinal);
        }
        finally
        {
            await noServers.Terminate().WaitAsync(TimeSpan.FromSeconds(10));
        }
    }
}

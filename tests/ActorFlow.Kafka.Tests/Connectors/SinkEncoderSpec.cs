using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Settings;
using ActorFlow.Kafka.Tests.Consumer;
using Akka.Streams.Dsl;
using Confluent.Kafka;
using Xunit.Abstractions;

namespace ActorFlow.Kafka.Tests.Connectors;

public sealed class SinkEncoderSpec(ITestOutputHelper output) : KafkaSpecBase(output, partitions: 1)
{
    /// <summary>Verify that the plain Kafka sink takes the exactly-once sink's encoder (topic, then key and value) and writes what it makes.</summary>
    [Fact]
    public async Task A_Kafka_sink_must_take_the_encoder_of_the_exactly_once_sink()
    {
        Func<string, (byte[]? Key, byte[] Value)> encode = s => (s == "c" ? null : Encoding.UTF8.GetBytes("k-" + s), Encoding.UTF8.GetBytes(s));
        var settings = ProducerSettings<byte[], byte[]>.Create(Sys, null, null).WithBootstrapServers(Kafka.BootstrapServers);
        Assert.NotNull(KafkaConnectors.ExactlyOnceSink(settings, Topic, encode)); // the same delegate fits both sinks

        await Source.From(["a", "b", "c"]).RunWith(KafkaConnectors.Sink(settings, Topic, encode).Sink(), Materializer).WaitAsync(TimeSpan.FromSeconds(30));

        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = Kafka.BootstrapServers, GroupId = "read-back" }).Build();
        consumer.Assign(new TopicPartitionOffset(Topic, 0, Offset.Beginning));
        var read = new List<(string? Key, string Value)>();
        while (read.Count < 3 && consumer.Consume(TimeSpan.FromSeconds(10)) is { } r)
        {
            read.Add((r.Message.Key is null ? null : Text(r.Message.Key), Text(r.Message.Value)));
        }

        Assert.Equal([("k-a", "a"), ("k-b", "b"), (null, "c")], read);
    }
}

using ActorFlow.Kafka.Embedded;
using Confluent.Kafka;

namespace ActorFlow.Kafka.Tests.Embedded;

public sealed class EmbeddedKafkaSpec
{
    /// <summary>Verify that records produced to the embedded broker come back with key, partition, timestamp and headers.</summary>
    [Fact]
    public async Task An_EmbeddedKafka_must_round_trip_records_over_tcp()
    {
        using var kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Topics = new Dictionary<string, int> { ["t"] = 3 } });
        Assert.StartsWith("127.0.0.1:", kafka.BootstrapServers, StringComparison.Ordinal);

        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build())
        {
            var headers = new Headers { { "h", [1, 2] } };
            var report = await producer.ProduceAsync(
                new TopicPartition("t", 2),
                new Message<string, string> { Key = "k", Value = "v", Timestamp = new Timestamp(1_000, TimestampType.CreateTime), Headers = headers });
            Assert.Equal(PersistenceStatus.Persisted, report.Status);
        }

        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            GroupId = "g",
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        consumer.Assign(new TopicPartitionOffset("t", 2, Offset.Beginning));
        var record = consumer.Consume(TimeSpan.FromSeconds(10));
        Assert.NotNull(record);
        Assert.Equal("k", record.Message.Key);
        Assert.Equal("v", record.Message.Value);
        Assert.Equal(2, record.Partition.Value);
        Assert.Equal(1_000, record.Message.Timestamp.UnixTimestampMs);
        Assert.Equal([1, 2], record.Message.Headers.GetLastBytes("h"));
    }

    /// <summary>Verify that a topic created through the mock API has the asked partition count in the broker's metadata.</summary>
    [Fact]
    public void An_EmbeddedKafka_must_create_topics_with_partitions()
    {
        using var kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { BrokerCount = 2 });
        kafka.CreateTopic("orders", 4);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = kafka.BootstrapServers }).Build();
        var metadata = admin.GetMetadata("orders", TimeSpan.FromSeconds(10));
        Assert.Equal(4, metadata.Topics.Single().Partitions.Count);
        Assert.Equal(2, metadata.Brokers.Count);
    }

    /// <summary>Verify that bad topic names, partition counts and broker ids fail with a message naming the problem.</summary>
    [Fact]
    public void An_EmbeddedKafka_must_reject_bad_arguments_clearly()
    {
        using var kafka = EmbeddedKafka.Start();
        Assert.Contains("not a valid Kafka topic name", Assert.Throws<ArgumentException>(() => kafka.CreateTopic("a b", 1)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => kafka.CreateTopic("x", 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => kafka.SetBrokerDown(2));
        kafka.CreateTopic("x", 2);
        Assert.Throws<EmbeddedKafkaException>(() => kafka.CreateTopic("x", 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => EmbeddedKafka.Start(new EmbeddedKafkaOptions { BrokerCount = 0 }));
    }

    /// <summary>Verify that a disposed broker refuses further requests instead of touching freed native memory.</summary>
    [Fact]
    public void A_disposed_EmbeddedKafka_must_refuse_requests()
    {
        var kafka = EmbeddedKafka.Start();
        kafka.Dispose();
        kafka.Dispose();
        Assert.Throws<ObjectDisposedException>(() => kafka.CreateTopic("late", 1));
    }
}

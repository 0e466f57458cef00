using System.Globalization;
using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Settings;
using ActorFlow.Kafka.Tests.Consumer;
using ActorFlow.Topology.Connectors;
using Akka.Streams.Dsl;
using Confluent.Kafka;
using Xunit.Abstractions;

namespace ActorFlow.Kafka.Tests.Connectors;

public sealed class BoundedSourceSpec(ITestOutputHelper output) : KafkaSpecBase(output, partitions: 3)
{
    /// <summary>
    /// Verify that the bounded Kafka source reads every partition up to the end offsets it saw when it first started
    /// (records written later are not read), completes its partitions and its partition set, completes an empty
    /// partition (end offset 0) at once, and that a restore from checkpoint offsets reads on to the same end.
    /// </summary>
    [Fact]
    public async Task A_bounded_Kafka_source_must_read_up_to_the_end_offsets_at_start_and_complete()
    {
        ProduceTo(0, 0, 5);
        ProduceTo(1, 100, 3);
        var connector = KafkaConnectors.BoundedSource(Settings("bounded"), Subscriptions.Topics(Topic), r => Text(r.Message.Value));
        Assert.Equal(Boundedness.Bounded, connector.Boundedness);

        var first = connector.Partitions(new Dictionary<string, long>());
        ProduceTo(0, 500, 2); // after the end offsets were fixed: not read, now or after a restore
        var read = await ReadAllAsync(first);

        Assert.Equal(["0", "1", "2", "3", "4"], read[SourcePartitionIds.Format(Topic, 0)]);
        Assert.Equal(["100", "101", "102"], read[SourcePartitionIds.Format(Topic, 1)]);
        Assert.Empty(read[SourcePartitionIds.Format(Topic, 2)]); // announced, then completed: nothing to read

        var restored = await ReadAllAsync(connector.Partitions(new Dictionary<string, long>
        {
            [SourcePartitionIds.Format(Topic, 0)] = 3,
            [SourcePartitionIds.Format(Topic, 1)] = 3,
        }));
        Assert.Equal(["3", "4"], restored[SourcePartitionIds.Format(Topic, 0)]);
        Assert.Empty(restored[SourcePartitionIds.Format(Topic, 1)]);
    }

    /// <summary>
    /// Verify that the bounded source completes a partition written by a transactional producer (Flink's or Kafka
    /// Streams' exactly-once output): its last offset is the commit marker, which no consumer returns, so the end is
    /// reached by the consumer's position, not by a record (as Flink's bounded KafkaSource does).
    /// </summary>
    [Fact]
    public async Task A_bounded_Kafka_source_must_complete_a_partition_that_ends_with_a_transaction_marker()
    {
        using (var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = Kafka.BootstrapServers, TransactionalId = "bounded-tx-" + Topic }).Build())
        {
            producer.InitTransactions(TimeSpan.FromSeconds(30));
            foreach (var (partition, first, count) in new[] { (0, 0, 5), (1, 100, 3), (1, 103, 2) })
            {
                producer.BeginTransaction();
                for (var i = first; i < first + count; i++)
                {
                    producer.Produce(new TopicPartition(Topic, partition), new Message<byte[], byte[]> { Value = Encoding.UTF8.GetBytes(i.ToString(CultureInfo.InvariantCulture)) });
                }

                producer.CommitTransaction(TimeSpan.FromSeconds(30));
            }
        }

        var read = await ReadAllAsync(KafkaConnectors.BoundedSource(Settings("bounded-tx"), Subscriptions.Topics(Topic), r => Text(r.Message.Value)).Partitions(new Dictionary<string, long>()));

        Assert.Equal(["0", "1", "2", "3", "4"], read[SourcePartitionIds.Format(Topic, 0)]);
        Assert.Equal(["100", "101", "102", "103", "104"], read[SourcePartitionIds.Format(Topic, 1)]);
        Assert.Empty(read[SourcePartitionIds.Format(Topic, 2)]);
    }

    /// <summary>Verify that a bounded source over a topic the broker does not have fails the start with the topic and the reason.</summary>
    [Fact]
    public void A_bounded_Kafka_source_must_name_a_missing_topic()
    {
        var connector = KafkaConnectors.BoundedSource(Settings("missing").WithConnectionTimeout(TimeSpan.FromSeconds(3)), Subscriptions.Topics("no-such-topic"), r => r.Offset.Value);

        var error = Assert.ThrowsAny<Exception>(() => connector.Partitions(new Dictionary<string, long>()));

        Assert.Contains("no-such-topic", error.Message, StringComparison.Ordinal);
    }

    private ConsumerSettings<byte[], byte[]> Settings(string group) =>
        ConsumerSettings<byte[], byte[]>.Create(Sys, null, null).WithBootstrapServers(Kafka.BootstrapServers).WithGroupId(group);

    private Task<Dictionary<string, List<string>>> ReadAllAsync(
        Source<(string Partition, Source<IReadOnlyList<SourceRecord<string>>, Akka.NotUsed> Records), ISourceControl> partitions) =>
        BoundedReads.ReadAllAsync(partitions, Materializer);

    private void ProduceTo(int partition, int first, int count) => BoundedReads.ProduceTo(Kafka.BootstrapServers, Topic, partition, first, count);
}

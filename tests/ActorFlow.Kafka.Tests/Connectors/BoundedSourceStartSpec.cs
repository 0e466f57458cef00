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

/// <summary>
/// Where the bounded Kafka source starts a partition without checkpoint offsets: at an offset asked for (a number, or
/// <see cref="Offset.Beginning"/> / <see cref="Offset.End"/>, as Flink's <c>OffsetsInitializer.earliest()</c> /
/// <c>latest()</c>, whatever the group committed), else at the group's committed offset, else by
/// <c>auto.offset.reset</c>, whose <c>error</c> fails the start as the consumer does.
/// </summary>
public sealed class BoundedSourceStartSpec(ITestOutputHelper output) : KafkaSpecBase(output, partitions: 3)
{
    /// <summary>Verify that Beginning and End asked for win over the group's committed offset, and that a partition asked for at no offset starts at it.</summary>
    [Fact]
    public async Task A_bounded_Kafka_source_must_start_where_asked_before_the_group_offset()
    {
        for (var p = 0; p < 3; p++)
        {
            ProduceTo(p, p * 100, 5);
        }

        Commit("bounded-start", 3);
        var connector = KafkaConnectors.BoundedSource(Settings("bounded-start"), Subscriptions.AssignmentWithOffset(
            new TopicPartitionOffset(Topic, 0, Offset.Beginning),
            new TopicPartitionOffset(Topic, 1, Offset.End),
            new TopicPartitionOffset(Topic, 2, Offset.Unset)), r => Encoding.UTF8.GetString(r.Message.Value));

        var read = await ReadAllAsync(connector.Partitions(new Dictionary<string, long>()));

        Assert.Equal(["0", "1", "2", "3", "4"], read[SourcePartitionIds.Format(Topic, 0)]);
        Assert.Empty(read[SourcePartitionIds.Format(Topic, 1)]);
        Assert.Equal(["203", "204"], read[SourcePartitionIds.Format(Topic, 2)]);
    }

    /// <summary>Verify that auto.offset.reset = error with no committed offset fails the start, naming the partition and the setting.</summary>
    [Fact]
    public void A_bounded_Kafka_source_must_fail_without_a_start_when_the_reset_is_error()
    {
        ProduceTo(0, 0, 2);
        var connector = KafkaConnectors.BoundedSource(Settings("bounded-error").WithProperty("auto.offset.reset", "error"), Subscriptions.Topics(Topic), r => r.Offset.Value);

        var error = Assert.Throws<InvalidOperationException>(() => connector.Partitions(new Dictionary<string, long>()));

        Assert.Contains($"{Topic} [0]", error.Message, StringComparison.Ordinal);
        Assert.Contains("auto.offset.reset is 'error'", error.Message, StringComparison.Ordinal);
    }

    private ConsumerSettings<byte[], byte[]> Settings(string group) =>
        ConsumerSettings<byte[], byte[]>.Create(Sys, null, null).WithBootstrapServers(Kafka.BootstrapServers).WithGroupId(group);

    /// <summary>Commits <paramref name="offset"/> for every partition of the topic in <paramref name="group"/>.</summary>
    private void Commit(string group, long offset)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = Kafka.BootstrapServers, GroupId = group }).Build();
        consumer.Commit([.. Enumerable.Range(0, 3).Select(p => new TopicPartitionOffset(Topic, p, offset))]);
    }

    private Task<Dictionary<string, List<string>>> ReadAllAsync(
        Source<(string Partition, Source<IReadOnlyList<SourceRecord<string>>, Akka.NotUsed> Records), ISourceControl> partitions) =>
        BoundedReads.ReadAllAsync(partitions, Materializer);

    private void ProduceTo(int partition, int first, int count) => BoundedReads.ProduceTo(Kafka.BootstrapServers, Topic, partition, first, count);
}

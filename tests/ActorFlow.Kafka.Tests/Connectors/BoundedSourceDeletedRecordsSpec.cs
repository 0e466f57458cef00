using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Settings;
using ActorFlow.Kafka.Tests.Consumer;
using ActorFlow.Topology.Connectors;
using Xunit.Abstractions;

namespace ActorFlow.Kafka.Tests.Connectors;

/// <summary>
/// A bounded Kafka source restored (or committed) at an offset whose records were deleted since (retention,
/// DeleteRecords) starts where the consumer's <c>auto.offset.reset</c> takes it, and ends: with nothing left to read the
/// consumer handed out no record, so the partition never reached its end and the run never ended.
/// </summary>
public sealed class BoundedSourceDeletedRecordsSpec(ITestOutputHelper output) : KafkaSpecBase(output, partitions: 3)
{
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Verify that with <c>earliest</c> a partition whose records are all deleted ends empty, one whose first records are
    /// deleted reads the rest, and one restored within its log reads from the restored offset.
    /// </summary>
    [Fact]
    public async Task A_bounded_source_restored_before_the_log_start_must_read_from_it_and_end()
    {
        Produce();
        Kafka.DeleteRecords(Topic, 0, 10);
        Kafka.DeleteRecords(Topic, 1, 5);
        var connector = KafkaConnectors.BoundedSource(Settings("deleted-earliest", "earliest"), Subscriptions.Topics(Topic), r => Encoding.UTF8.GetString(r.Message.Value));

        var read = await BoundedReads.ReadAllAsync(connector.Partitions(Restored(3, 2, 7)), Materializer).WaitAsync(Prompt);

        Assert.Empty(read[SourcePartitionIds.Format(Topic, 0)]);
        Assert.Equal(["105", "106", "107", "108", "109"], read[SourcePartitionIds.Format(Topic, 1)]);
        Assert.Equal(["207", "208", "209"], read[SourcePartitionIds.Format(Topic, 2)]);
    }

    /// <summary>
    /// Verify that with <c>latest</c> a start before the log start reads nothing of that partition and ends (Kafka's
    /// consumer resets to the end), and that with <c>error</c> the start fails naming the partition and both offsets.
    /// </summary>
    [Fact]
    public async Task A_bounded_source_restored_before_the_log_start_must_reset_as_its_consumer_would()
    {
        Produce();
        Kafka.DeleteRecords(Topic, 0, 5);
        var latest = KafkaConnectors.BoundedSource(Settings("deleted-latest", "latest"), Subscriptions.Topics(Topic), r => Encoding.UTF8.GetString(r.Message.Value));

        var read = await BoundedReads.ReadAllAsync(latest.Partitions(Restored(2, 8, 9)), Materializer).WaitAsync(Prompt);

        Assert.Empty(read[SourcePartitionIds.Format(Topic, 0)]);
        Assert.Equal(["108", "109"], read[SourcePartitionIds.Format(Topic, 1)]);
        Assert.Equal(["209"], read[SourcePartitionIds.Format(Topic, 2)]);

        var error = KafkaConnectors.BoundedSource(Settings("deleted-error", "error"), Subscriptions.Topics(Topic), r => Encoding.UTF8.GetString(r.Message.Value));
        var refused = Assert.Throws<InvalidOperationException>(() => error.Partitions(Restored(2, 8, 9)));
        Assert.Contains($"{Topic} [0] at offset 2, before the partition's log start 5", refused.Message, StringComparison.Ordinal);
        Assert.Contains("auto.offset.reset is 'error'", refused.Message, StringComparison.Ordinal);
    }

    private void Produce()
    {
        for (var p = 0; p < 3; p++)
        {
            BoundedReads.ProduceTo(Kafka.BootstrapServers, Topic, p, p * 100, 10);
        }
    }

    private Dictionary<string, long> Restored(params long[] offsets) =>
        offsets.Select((o, p) => (p, o)).ToDictionary(x => SourcePartitionIds.Format(Topic, x.p), x => x.o);

    private ConsumerSettings<byte[], byte[]> Settings(string group, string reset) =>
        ConsumerSettings<byte[], byte[]>.Create(Sys, null, null).WithBootstrapServers(Kafka.BootstrapServers).WithGroupId(group).WithProperty("auto.offset.reset", reset);
}

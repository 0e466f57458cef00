using ActorFlow.Kafka.Embedded;
using ActorFlow.Persistence.Config;
using ActorFlow.TestKit;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.EndToEnd;

namespace ActorFlow.Topology.Tests.Checkpoints;

/// <summary>
/// A Kafka source partition is in every checkpoint from its assignment on, at the offset it starts from, before it has
/// delivered a record (as Flink's source keeps a split's starting offset): with <c>auto.offset.reset = latest</c> a
/// checkpoint that left such a partition out made a restore start it at the end again, past what was written to it
/// after the checkpoint.
/// </summary>
public sealed class PartitionStartSpec : IDisposable
{
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 2, ["counts"] = 1 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-partition-start");

    /// <summary>
    /// Verify that a job reading from the end (latest) names partition 1, which holds five records older than the job
    /// and gets none while it runs, at offset 5 in a checkpoint taken once partition 0's records were read: with the
    /// partitions assigned by the job, and subscribed through the consumer group.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_partition_without_records_must_be_in_the_checkpoint_at_its_start(bool subscribed)
    {
        var topics = new ClickTopics(_kafka, partitions: 2);
        using (var raw = new TestTopics(_kafka.BootstrapServers))
        {
            var clicks = raw.Topic("clicks", ClickTopics.Format);
            for (var i = 0; i < 5; i++)
            {
                clicks.ProduceTo(new Click("old", ClickTopics.Base), partition: 1);
            }
        }

        var system = await ActorFlowCluster.StartNodeAsync("partition-start", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var definition = topics.ExactlyOnceCountJob(system, "partition-start", "partition-start", sink: topics.PlainSink(system), consumerSettings: c => c.WithProperty("auto.offset.reset", "latest"), subscribe: subscribed);
            var job = await JobRunner.StartAsync(system, definition, new JobRunnerOptions { CheckpointInterval = null });
            // Both partitions are named once assigned, before either delivered a record: 0 at 0, 1 at its end, 5.
            var checkpoint = await ClickTopics.CheckpointUntilAsync(job, c => c.Offsets.Any(o => o.Partition == 0 && o.Offset == 0) && c.Offsets.Any(o => o.Partition == 1 && o.Offset == 5), "a checkpoint naming the partitions' positions");

            using (var raw = new TestTopics(_kafka.BootstrapServers))
            {
                var clicks = raw.Topic("clicks", ClickTopics.Format);
                for (var i = 0; i < 3; i++)
                {
                    clicks.ProduceTo(new Click("u" + i, ClickTopics.Base + (i * 100)), partition: 0);
                }
            }

            // Until a checkpoint covers partition 0's three records, read: partition 1 stays where it started.
            checkpoint = await ClickTopics.CheckpointUntilAsync(job, c => c.Offsets.Any(o => o.Partition == 0 && o.Offset == 3), "a checkpoint naming the partitions' positions");
            var start = Assert.Single(checkpoint.Offsets, o => o.Partition == 1);
            Assert.Equal(("clicks", 5L), (start.Topic, start.Offset));
            await job.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    public void Dispose()
    {
        _kafka.Dispose();
        _data.Dispose();
    }
}

using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Settings;
using ActorFlow.Persistence.Config;
using ActorFlow.TestKit;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.EndToEnd;

namespace ActorFlow.Topology.Tests.Checkpoints;

/// <summary>
/// A restored job reads a partition its checkpoint does not name, of a topic it does name partitions of, from the
/// partition's beginning (as Flink's source reads newly discovered partitions from the earliest offset): with
/// <c>auto.offset.reset = latest</c> it started at the partition's end and skipped what was written to it before. A
/// checkpoint of an earlier build (<see cref="ActorFlow.Persistence.Checkpoints.CheckpointRecord.NamesAssignedPartitions"/>
/// false) may leave out a partition whose records are in its state, so after one the partition starts as before.
/// </summary>
public sealed class NewPartitionStartSpec : IDisposable
{
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 2, ["counts"] = 1 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-new-partition");

    /// <summary>
    /// Verify that a job that read only partition 0 of the topic, restored reading the whole topic (subscribed), counts
    /// the four records partition 1 held before the restore and the one written after (5); restored from a record of an
    /// earlier build, partition 1 starts where <c>latest</c> puts it and only the later record counts (1).
    /// </summary>
    [Theory]
    [InlineData(true, 5)]
    [InlineData(false, 1)]
    public async Task A_partition_new_to_the_restored_job_must_be_read_from_its_beginning(bool namesAssignedPartitions, long expected)
    {
        using (var raw = new TestTopics(_kafka.BootstrapServers))
        {
            var clicks = raw.Topic("clicks", ClickTopics.Format);
            for (var i = 0; i < 4; i++)
            {
                clicks.ProduceTo(new Click("x", ClickTopics.Base + i), partition: 1);
            }
        }

        var system = await ActorFlowCluster.StartNodeAsync("new-partition", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var topics = new ClickTopics(_kafka, partitions: 2);
            var sink = topics.PlainSink(system);
            static ConsumerSettings<byte[], byte[]> Latest(ConsumerSettings<byte[], byte[]> c) => c.WithProperty("auto.offset.reset", "latest");

            // First run: partition 0 only (assigned), named in its checkpoint at its start.
            var first = await JobRunner.StartAsync(
                system, new ClickTopics(_kafka, partitions: 1).ExactlyOnceCountJob(system, "new-partition", "new-partition", sink: sink, consumerSettings: Latest), new JobRunnerOptions { CheckpointInterval = null });
            await ClickTopics.CheckpointUntilAsync(first, c => c.Offsets.Any(o => o.Partition == 0), "a checkpoint naming partition 0");
            await first.StopAsync(TimeSpan.FromSeconds(30));
            if (!namesAssignedPartitions)
            {
                // The same checkpoint as an earlier build wrote it (format version 4), in its place: restored next.
                var store = ActorFlowCluster.CheckpointStoreOf(system);
                var written = (await store.LoadLatestAsync("new-partition"))!;
                Assert.True(written.NamesAssignedPartitions);
                await store.SaveAsync(written with { NamesAssignedPartitions = false });
            }

            // Restored over the whole topic: partition 1 is new to the job.
            var second = await JobRunner.StartAsync(
                system, topics.ExactlyOnceCountJob(system, "new-partition", "new-partition", sink: sink, consumerSettings: Latest, subscribe: true), new JobRunnerOptions { CheckpointInterval = null });
            await ClickTopics.CheckpointUntilAsync(second, c => c.Offsets.Any(o => o.Partition == 1), "a checkpoint naming partition 1");
            using (var raw = new TestTopics(_kafka.BootstrapServers))
            {
                raw.Topic("clicks", ClickTopics.Format).ProduceTo(new Click("x", ClickTopics.Base + 5), partition: 1);
            }

            topics.ProduceEnd();
            await topics.ReadAfterCheckpointsAsync(second, counts => counts.Count > 0, "the window's count");
            Assert.Equal([$"x|{ClickTopics.Base}|{expected}"], topics.Read("counts"));
            await second.StopAsync(TimeSpan.FromSeconds(30));
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

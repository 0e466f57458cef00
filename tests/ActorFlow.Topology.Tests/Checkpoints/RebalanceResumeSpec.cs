using ActorFlow.Kafka.Embedded;
using ActorFlow.Persistence.Config;
using ActorFlow.TestKit;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.EndToEnd;
using Confluent.Kafka;

namespace ActorFlow.Topology.Tests.Checkpoints;

/// <summary>
/// A Kafka partition that a consumer-group rebalance takes from a running job and gives back resumes after the records
/// the job read from it, as Flink's source resumes a split from its own state: it restarted at the group's committed
/// offset (the last checkpoint's), and the records read since were counted a second time.
/// </summary>
public sealed class RebalanceResumeSpec : IDisposable
{
    private const string Group = "rebalance-resume";

    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 2, ["counts"] = 1 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-rebalance-resume");

    /// <summary>
    /// Verify that a window counted from records read after the last checkpoint counts each once when another member joins
    /// the job's group (taking a partition) and leaves (giving it back) before the window fires.
    /// </summary>
    [Fact]
    public async Task A_partition_given_back_must_resume_after_what_the_job_read()
    {
        var topics = new ClickTopics(_kafka, partitions: 2);
        ProduceToEach(Enumerable.Range(0, 2).Select(_ => new Click("a", ClickTopics.Base)));
        var system = await ActorFlowCluster.StartNodeAsync("rebalance-resume", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var definition = topics.ExactlyOnceCountJob(system, "rebalance-resume", Group, sink: topics.PlainSink(system), consumerSettings: c => c.WithProperty("auto.offset.reset", "earliest"), subscribe: true);
            var job = await JobRunner.StartAsync(system, definition, new JobRunnerOptions { CheckpointInterval = null });

            // A checkpoint after the first records: the group's committed offsets are 2 and 2.
            await ClickTopics.CheckpointUntilAsync(job, c => c.Offsets.Count(o => o.Offset == 2) == 2, "a checkpoint after both partitions' first records");

            // Three more per partition, in a later window, read (the watermark passed both partitions' last) and not checkpointed.
            ProduceToEach(Enumerable.Range(0, 3).Select(i => new Click("b", ClickTopics.Base + 5_000 + i)));
            await Poll.UntilAsync(() => job.CurrentWatermark >= ClickTopics.Base + 5_002 - 1_001, TimeSpan.FromSeconds(60), "the job's watermark past both partitions' later records");

            // Another member joins the job's group (it takes a partition, commits nothing) and leaves (it gives it back).
            var config = new ConsumerConfig { BootstrapServers = _kafka.BootstrapServers, GroupId = Group, EnableAutoCommit = false, AutoOffsetReset = AutoOffsetReset.Earliest };
            config.Set("group.protocol", "consumer");
            using (var other = new ConsumerBuilder<Ignore, Ignore>(config).Build())
            {
                other.Subscribe("clicks");
                await Poll.UntilAsync(() => other.Consume(TimeSpan.FromMilliseconds(100)) is not null || other.Assignment.Count > 0, TimeSpan.FromSeconds(60), "the other member's assignment");
                other.Close();
            }

            // The windows fire once both partitions are read to their far-future record.
            topics.ProduceEnd();
            await topics.ReadAfterCheckpointsAsync(job, counts => counts.Any(c => c.StartsWith("b|", StringComparison.Ordinal)), "the later window's count");
            Assert.Equal([$"a|{ClickTopics.Base}|4", $"b|{ClickTopics.Base + 5_000}|6"], topics.Read("counts").Order(StringComparer.Ordinal));
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

    /// <summary>Writes <paramref name="clicks"/> to each of the two partitions.</summary>
    private void ProduceToEach(IEnumerable<Click> clicks)
    {
        using var raw = new TestTopics(_kafka.BootstrapServers);
        var topic = raw.Topic("clicks", ClickTopics.Format);
        foreach (var click in clicks)
        {
            topic.ProduceTo(click, partition: 0);
            topic.ProduceTo(click, partition: 1);
        }
    }
}

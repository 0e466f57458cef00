using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Persistence.Config;
using ActorFlow.TestKit;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.EndToEnd;

namespace ActorFlow.Topology.Tests.Checkpoints;

/// <summary>
/// A partition that a running job's subscription gets after its first assignment (a topic created later that the
/// subscription's pattern matches, or a partition added to a topic) starts at its beginning when the group has no
/// committed offset for it, as Flink's Kafka source starts partitions it discovers after its initial discovery at the
/// earliest offset: with <c>auto.offset.reset = latest</c> it started at the partition's end when the consumer saw it,
/// so what was written to it before (up to a metadata refresh interval) was never read.
/// </summary>
public sealed class NewTopicStartSpec : IDisposable
{
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks-a"] = 1, ["counts"] = 1 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-new-topic");

    /// <summary>
    /// Verify that a job subscribed to <c>^clicks-.*</c> with <c>latest</c>, started before topic <c>clicks-b</c> exists,
    /// counts the four records written to <c>clicks-b</c> right after its creation (before the consumer's next metadata
    /// refresh) and the one written after it was assigned: 5 (1 without the change).
    /// </summary>
    [Fact]
    public async Task A_topic_created_after_the_start_must_be_read_from_its_beginning()
    {
        var system = await ActorFlowCluster.StartNodeAsync("new-topic", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var topics = new ClickTopics(_kafka);
            var job = topics.ExactlyOnceCountJob(
                system,
                "new-topic",
                "new-topic",
                sink: topics.PlainSink(system),
                consumerSettings: c => c.WithProperty("auto.offset.reset", "latest").WithProperty("topic.metadata.refresh.interval.ms", "3000"),
                subscription: Subscriptions.Topics("^clicks-.*"));
            var running = await JobRunner.StartAsync(system, job, new JobRunnerOptions { CheckpointInterval = null });
            await ClickTopics.CheckpointUntilAsync(running, c => c.Offsets.Any(o => o.Topic == "clicks-a"), "a checkpoint naming clicks-a");

            _kafka.CreateTopic("clicks-b", 1);
            using (var raw = new TestTopics(_kafka.BootstrapServers))
            {
                var b = raw.Topic("clicks-b", ClickTopics.Format);
                for (var i = 0; i < 4; i++)
                {
                    b.ProduceTo(new Click("x", ClickTopics.Base + i), partition: 0);
                }
            }

            await ClickTopics.CheckpointUntilAsync(running, c => c.Offsets.Any(o => o.Topic == "clicks-b"), "a checkpoint naming clicks-b");
            using (var raw = new TestTopics(_kafka.BootstrapServers))
            {
                raw.Topic("clicks-b", ClickTopics.Format).ProduceTo(new Click("x", ClickTopics.Base + 5), partition: 0);
                foreach (var topic in new[] { "clicks-a", "clicks-b" })
                {
                    raw.Topic(topic, ClickTopics.Format).ProduceTo(new Click("zz-end", ClickTopics.Base + 10_000_000), partition: 0);
                }
            }

            await topics.ReadAfterCheckpointsAsync(running, counts => counts.Any(c => c.StartsWith("x|", StringComparison.Ordinal)), "x's window count");
            Assert.Equal([$"x|{ClickTopics.Base}|5"], topics.Read("counts").Where(c => c.StartsWith("x|", StringComparison.Ordinal)));
            await running.StopAsync(TimeSpan.FromSeconds(30));
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

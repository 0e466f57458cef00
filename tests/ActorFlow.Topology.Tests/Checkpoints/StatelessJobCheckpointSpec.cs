using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.EndToEnd;
using Akka.Actor;
using Confluent.Kafka;

namespace ActorFlow.Topology.Tests.Checkpoints;

/// <summary>
/// A job without keyed stages checkpoints as any other, as a Flink job with checkpointing on: its sources' positions are
/// kept and restored, and its exactly-once sink publishes what a completed checkpoint covers. So a restart neither reads
/// nor writes again what the last checkpoint covered.
/// </summary>
public sealed class StatelessJobCheckpointSpec : IDisposable
{
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 4, ["tagged"] = 1 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-stateless-checkpoint");

    /// <summary>
    /// Verify that a Kafka → Select → exactly-once Kafka job, stopped after a checkpoint and started again with more input,
    /// writes every input record once: the second run starts at the first run's checkpointed offsets (before, a job
    /// without keyed stages took no checkpoint, committed no offset and read its input from the beginning again).
    /// </summary>
    [Fact]
    public async Task A_stateless_job_must_resume_at_its_checkpoint_and_write_nothing_twice()
    {
        var topics = new ClickTopics(_kafka);
        var clicks = Enumerable.Range(0, 60).Select(i => new Click("u" + (i % 5), ClickTopics.Base + (i * 100))).ToList();
        var system = await ActorFlowCluster.StartNodeAsync("stateless-checkpoint", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            topics.Produce(clicks.Take(40));
            var first = await JobRunner.StartAsync(system, Tagging(system), new JobRunnerOptions { CheckpointInterval = null });
            await topics.ReadAfterCheckpointsAsync(first, r => r.Count >= 40, "the first 40 records published", "tagged");
            await first.StopAsync(TimeSpan.FromSeconds(30));

            topics.Produce(clicks.Skip(40));
            var second = await JobRunner.StartAsync(system, Tagging(system), new JobRunnerOptions { CheckpointInterval = null });
            await topics.ReadAfterCheckpointsAsync(second, r => r.Count >= 60, "the other 20 records published", "tagged");
            await second.StopAsync(TimeSpan.FromSeconds(30));

            Assert.Equal(clicks.Select(Tag).Order(StringComparer.Ordinal), topics.Read("tagged").Order(StringComparer.Ordinal));
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

    private static string Tag(Click click) => $"{click.User}@{click.Time}";

    private StreamJob Tagging(ActorSystem system)
    {
        var consumer = ConsumerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers).WithGroupId("stateless");
        var producer = ProducerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers);
        return StreamJobBuilder.Create("stateless")
            .FromSource("clicks", KafkaConnectors.Source(consumer, Subscriptions.Assignment([.. Enumerable.Range(0, 4).Select(p => new TopicPartition("clicks", p))]), ClickTopics.Format.FromKafka),
                WatermarkStrategy<Click>.ForMonotonousTimestamps().WithTimestampAssigner((c, _) => c.Time))
            .Select(Tag)
            .To(KafkaConnectors.ExactlyOnceSink<string>(producer, "tagged", s => (null, Encoding.UTF8.GetBytes(s))))
            .Build();
    }
}

using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Settings;
using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Runtime;

namespace ActorFlow.Topology.Tests.Connectors;

/// <summary>
/// A job whose Kafka source names a topic that does not exist fails to start, naming it, as Flink's Kafka source and
/// Kafka Streams (MissingSourceTopicException) fail: it started and waited for the topic without a word (found by a
/// review). A pattern subscription still starts, and reads topics created later (NewTopicStartSpec).
/// </summary>
public sealed class MissingTopicSpec : IDisposable
{
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 2, ["counts"] = 1 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-missing-topic");

    /// <summary>Verify that a start subscribed to a missing topic fails naming it, and that the same job on an existing topic starts.</summary>
    [Fact]
    public async Task A_job_must_fail_to_start_when_its_source_topic_does_not_exist()
    {
        var system = await ActorFlowCluster.StartNodeAsync("missing-topic", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var missing = new ClickTopics(_kafka, input: "clikcs");
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
                JobRunner.StartAsync(system, missing.ExactlyOnceCountJob(system, "missing-topic", "missing-topic", subscribe: true), new JobRunnerOptions { CheckpointInterval = null }));
            Assert.Contains("reads topic 'clikcs', which does not exist", error.Message, StringComparison.Ordinal);
            Assert.Contains(_kafka.BootstrapServers, error.Message, StringComparison.Ordinal);

            var job = await JobRunner.StartAsync(system, new ClickTopics(_kafka).ExactlyOnceCountJob(system, "missing-topic", "missing-topic", subscribe: true), new JobRunnerOptions { CheckpointInterval = null });
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

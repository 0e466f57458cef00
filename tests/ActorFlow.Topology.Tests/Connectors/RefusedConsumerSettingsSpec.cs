using ActorFlow.Kafka.Embedded;
using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Runtime;

namespace ActorFlow.Topology.Tests.Connectors;

/// <summary>
/// A job whose consumer settings librdkafka refuses (an unknown property) fails to start with librdkafka's reason: the
/// source was never connected, but the start went on and the job failed over without end under the default restart
/// strategy (found by a Kafka user's review).
/// </summary>
public sealed class RefusedConsumerSettingsSpec : IDisposable
{
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 2, ["counts"] = 1 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-refused-settings");

    /// <summary>Verify that the start fails naming the property librdkafka does not know.</summary>
    [Fact]
    public async Task A_job_must_fail_to_start_when_librdkafka_refuses_its_consumer_settings()
    {
        var system = await ActorFlowCluster.StartNodeAsync("refused-settings", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var job = new ClickTopics(_kafka, partitions: 2).ExactlyOnceCountJob(system, "refused-settings", "refused-settings",
                consumerSettings: c => c.WithProperty("no.such.property", "1"));

            var error = await Assert.ThrowsAnyAsync<Exception>(() => JobRunner.StartAsync(system, job).WaitAsync(TimeSpan.FromSeconds(30)));

            Assert.Contains("no.such.property", error.Message, StringComparison.Ordinal);
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

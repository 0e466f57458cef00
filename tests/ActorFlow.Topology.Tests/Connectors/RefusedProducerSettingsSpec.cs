using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Settings;
using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Runtime;

namespace ActorFlow.Topology.Tests.Connectors;

/// <summary>
/// A job whose producer settings librdkafka refuses (an unknown property) fails to start, naming the sink and the
/// property: the run started, failed when its sink made the producer, and failed over without end under the default
/// restart strategy. The plain sink, the exactly-once sink and the dead-letter sink alike.
/// </summary>
public sealed class RefusedProducerSettingsSpec : IDisposable
{
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 2, ["counts"] = 1, ["dead"] = 1 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-refused-producer");

    /// <summary>Verify that the start fails naming the sink and the property librdkafka does not know, and that the job's name is free again.</summary>
    [Theory]
    [InlineData("plain")]
    [InlineData("exactly-once")]
    [InlineData("dead-letters")]
    public async Task A_job_must_fail_to_start_when_librdkafka_refuses_a_sinks_producer_settings(string sink)
    {
        var system = await ActorFlowCluster.StartNodeAsync("refused-producer", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var good = ProducerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers);
            var bad = good.WithProperty("no.such.producer.property", "1");
            var clicks = new ClickTopics(_kafka, partitions: 2);
            var job = sink switch
            {
                "plain" => clicks.ExactlyOnceCountJob(system, "refused-producer", "refused-producer",
                    sink: KafkaConnectors.Sink<string>(bad, "counts", s => (null, Encoding.UTF8.GetBytes(s)))),
                "exactly-once" => clicks.ExactlyOnceCountJob(system, "refused-producer", "refused-producer",
                    sink: KafkaConnectors.ExactlyOnceSink<string>(bad, "counts", s => (null, Encoding.UTF8.GetBytes(s)))),
                _ => clicks.ExactlyOnceCountJob(system, "refused-producer", "refused-producer",
                    deadLetterSink: KafkaConnectors.DeadLetters(bad, "dead")),
            };

            var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => JobRunner.StartAsync(system, job).WaitAsync(TimeSpan.FromSeconds(30)));

            Assert.Contains("no.such.producer.property", error.Message, StringComparison.Ordinal);
            Assert.Contains(sink == "dead-letters" ? "the dead-letter sink" : "sink 1", error.Message, StringComparison.Ordinal);

            // Nothing was started: the same job with good settings starts under the same name.
            var fixedJob = clicks.ExactlyOnceCountJob(system, "refused-producer", "refused-producer");
            var running = await JobRunner.StartAsync(system, fixedJob).WaitAsync(TimeSpan.FromSeconds(60));
            await running.StopAsync(TimeSpan.FromSeconds(60));
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

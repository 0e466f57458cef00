using System.Globalization;
using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Settings;
using ActorFlow.Persistence.Config;
using ActorFlow.TestKit;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.EndToEnd;

namespace ActorFlow.Topology.Tests.Connectors;

public sealed class ExactlyOnceSinkReleaseSpec : IDisposable
{
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 2, ["counts"] = 1 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-eos-release");

    /// <summary>Verify that the exactly-once sink's producer is disposed when the job stops, before the node terminates.</summary>
    [Fact]
    public async Task A_stopped_job_must_dispose_the_producer_of_its_exactly_once_sink()
    {
        var topics = new ClickTopics(_kafka, partitions: 2);
        topics.Produce(Enumerable.Range(0, 200).Select(i => new Click("user-" + (i % 5).ToString(CultureInfo.InvariantCulture), ClickTopics.Base + (i * 20))));
        topics.ProduceEnd();
        var system = await ActorFlowCluster.StartNodeAsync("eos-release", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var producer = ProducerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers);
            var sink = (ExactlyOnceKafkaSink<string>)KafkaConnectors.ExactlyOnceSink<string>(producer, "counts", s => (null, Encoding.UTF8.GetBytes(s)));
            var job = await JobRunner.StartAsync(system, topics.ExactlyOnceCountJob(system, "eos-release", "eos-release", sink: sink), new JobRunnerOptions { CheckpointInterval = TimeSpan.FromMilliseconds(200) });
            await Poll.UntilAsync(() => topics.Read("counts").Count > 0, TimeSpan.FromSeconds(60)); // an epoch was published
            Assert.Equal(1, sink.OpenProducers);

            await job.StopAsync(TimeSpan.FromSeconds(30));

            Assert.Equal(0, sink.OpenProducers);
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

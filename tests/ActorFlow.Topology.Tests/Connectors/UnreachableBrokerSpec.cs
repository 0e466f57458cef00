using System.Diagnostics;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Persistence.Config;
using ActorFlow.TestKit;
using ActorFlow.Topology.Runtime;
using Akka.Actor;
using Confluent.Kafka;

namespace ActorFlow.Topology.Tests.Connectors;

public sealed class UnreachableBrokerSpec : IDisposable
{
    private static readonly TimeSpan ConnectionTimeout = TimeSpan.FromSeconds(2);
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 2, ["counts"] = 1 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-unreachable");

    /// <summary>Verify that a job whose bootstrap.servers is a closed port fails to start within connection-timeout, naming the setting and the value.</summary>
    [Fact]
    public async Task A_job_must_fail_to_start_when_its_bootstrap_server_is_a_closed_port()
    {
        var error = await StartAsync("closed-port", "127.0.0.1:1");

        Assert.Contains("bootstrap.servers = '127.0.0.1:1'", error.Message, StringComparison.Ordinal);
        Assert.Contains("connection-timeout = 2s", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that a job whose every broker is down fails to start within connection-timeout, naming the setting and the value.</summary>
    [Fact]
    public async Task A_job_must_fail_to_start_when_every_broker_is_down()
    {
        _kafka.SetBrokerDown(1);
        await Poll.UntilAsync(BrokerIsDown, TimeSpan.FromSeconds(30)); // the mock cluster applies it asynchronously

        var error = await StartAsync("brokers-down", _kafka.BootstrapServers);

        Assert.Contains($"bootstrap.servers = '{_kafka.BootstrapServers}'", error.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _kafka.Dispose();
        _data.Dispose();
    }

    private bool BrokerIsDown()
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _kafka.BootstrapServers }).SetLogHandler((_, _) => { }).Build();
        try
        {
            admin.GetMetadata(TimeSpan.FromMilliseconds(500));
            return false;
        }
        catch (KafkaException)
        {
            return true;
        }
    }

    private async Task<KafkaException> StartAsync(string name, string servers)
    {
        var system = await ActorFlowCluster.StartNodeAsync(name, StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var job = new ClickTopics(_kafka, partitions: 2).ExactlyOnceCountJob(system, name, name,
                consumerSettings: c => c.WithBootstrapServers(servers).WithConnectionTimeout(ConnectionTimeout));
            var started = Stopwatch.StartNew();
            var error = await Assert.ThrowsAsync<KafkaException>(() => JobRunner.StartAsync(system, job).WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.InRange(started.Elapsed, ConnectionTimeout, ConnectionTimeout + TimeSpan.FromSeconds(10));
            Assert.Contains("actorflow.kafka.consumer", error.Message, StringComparison.Ordinal);
            return error;
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }
}

using System.Text;
using ActorFlow.Avro.Kafka;
using ActorFlow.Avro.Registry;
using ActorFlow.Avro.Registry.Store;
using ActorFlow.Avro.Tests.Records;
using ActorFlow.Avro.Tests.Support;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Persistence.Config;
using ActorFlow.Tests.Shared;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;

namespace ActorFlow.Avro.Tests.Kafka;

/// <summary>
/// A registry that cannot be reached is not the record's fault: the Avro source fails and the job fails over until the
/// registry answers, and then reads every record once. It used to make each record a dead letter and move past it, so
/// good records were missing from the output for good.
/// </summary>
public sealed class RegistryOutageSpec : IAsyncDisposable
{
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["tx"] = 1, ["out"] = 1, ["dead"] = 1 },
    });

    private readonly TempDirectory _data = new("actorflow-registry-outage");

    /// <summary>
    /// Verify that a job started while its registry is down fails over (no dead letter, no output), and that once the
    /// registry is back on its address the output holds every record exactly once and the dead-letter topic none.
    /// </summary>
    [Fact]
    public async Task A_registry_outage_must_fail_the_source_over_and_lose_no_record()
    {
        var store = Path.Combine(_data.Path, "registry.db");
        var registry = await EmbeddedSchemaRegistry.StartAsync(new EmbeddedSchemaRegistryOptions { Store = () => SqlSchemaStore.Sqlite($"Data Source={store}") });
        var url = registry.Url;
        using (var writer = SchemaRegistries.Connect(url, TimeSpan.FromSeconds(5)))
        {
            var serde = AvroSerde.For<Transaction>(writer);
            Topics.Produce(_kafka, "tx", Enumerable.Range(0, 200).Select(i => serde.Serialize(Samples.Transaction(i), "tx")));
        }

        await registry.DisposeAsync(); // the registry goes down before the job has read a schema
        using var client = SchemaRegistries.Connect(url, TimeSpan.FromSeconds(2));
        var reader = AvroSerde.For<Transaction>(client, new AvroSerdeOptions { RegistryRetries = 0 });
        var system = await ActorFlowCluster.StartNodeAsync("registry-outage", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var consumer = ConsumerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers).WithGroupId("registry-outage");
            var producer = ProducerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers);
            var job = StreamJobBuilder.Create("registry-outage")
                .WithDeadLetters(KafkaConnectors.DeadLetters(producer, "dead"))
                .FromSource("tx", KafkaConnectors.Source(consumer, Subscriptions.Topics("tx"), reader), WatermarkStrategy<Transaction>.NoWatermarks())
                .To(KafkaConnectors.Sink<Transaction>(producer, "out", t => (null, Encoding.UTF8.GetBytes(t.id))))
                .Build();
            var running = await JobRunner.StartAsync(system, job, new JobRunnerOptions
            {
                CheckpointInterval = TimeSpan.FromMilliseconds(300),
                RestartStrategy = RestartStrategy.FixedDelay(1000, TimeSpan.FromMilliseconds(200)),
            });

            await Topics.AwaitAsync(() => running.Restarts >= 2, TimeSpan.FromSeconds(60), () => $"{running.Restarts} restarts, out {Topics.Read(_kafka, "out").Count}, dead {Topics.Read(_kafka, "dead").Count}, completed {running.Completion.Status} {running.Completion.Exception?.GetBaseException().Message}");
            Assert.Empty(Topics.Read(_kafka, "dead"));
            Assert.Empty(Topics.Read(_kafka, "out"));

            // The registry comes back on the same address, with its store.
            var port = new Uri(url).Port;
            registry = await EmbeddedSchemaRegistry.StartAsync(new EmbeddedSchemaRegistryOptions { Port = port, Store = () => SqlSchemaStore.Sqlite($"Data Source={store}") });
            await Topics.AwaitAsync(() => Topics.Read(_kafka, "out").Count >= 200, TimeSpan.FromSeconds(60), () => $"out {Topics.Read(_kafka, "out").Count}/200");
            await running.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
            await registry.DisposeAsync();
        }

        Assert.Equal(Enumerable.Range(0, 200).Select(i => Samples.Transaction(i).id), Topics.Read(_kafka, "out").Select(r => Encoding.UTF8.GetString(r.Value!)));
        Assert.Empty(Topics.Read(_kafka, "dead"));
    }

    public ValueTask DisposeAsync()
    {
        _kafka.Dispose();
        _data.Dispose();
        return ValueTask.CompletedTask;
    }
}

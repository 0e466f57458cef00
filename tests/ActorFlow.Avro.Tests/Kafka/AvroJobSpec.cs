using System.Text;
using ActorFlow.Avro.Kafka;
using ActorFlow.Avro.Tests.Records;
using ActorFlow.Avro.Tests.Support;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators.Serialization;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Persistence.Config;
using ActorFlow.Tests.Shared;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using Avro.Generic;

namespace ActorFlow.Avro.Tests.Kafka;

/// <summary>Jobs reading and writing Avro through the DSL's Avro sources and sinks, on an embedded broker and registry.</summary>
public sealed class AvroJobSpec : IAsyncLifetime
{
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["tx"] = 1, ["out"] = 1, ["eo-out"] = 1, ["dead"] = 1 },
    });

    private readonly TempDirectory _data = new("actorflow-avro-job");
    private RegistryFixture _registry = null!;

    public async Task InitializeAsync() => _registry = await RegistryFixture.StartAsync();

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        _kafka.Dispose();
        _data.Dispose();
    }

    /// <summary>
    /// Verify that a job reading Avro through an Avro source and writing through the plain Avro sink keeps running
    /// through thousands of seeded random and truncated payloads: each becomes a dead letter (Avro record with its
    /// offset and reason), every valid record reaches the output, and nothing else does.
    /// </summary>
    [Fact]
    public async Task Bad_payloads_must_become_dead_letters_and_the_counts_stay_exact()
    {
        var serde = AvroSerde.For<Transaction>(_registry.Client);
        var random = new Random(42);
        var valid = serde.Serialize(Samples.Transaction(0), "tx");
        var payloads = new List<(byte[] Bytes, bool Good)>();
        for (var i = 0; i < 3000; i++)
        {
            switch (random.Next(3))
            {
                case 0:
                    payloads.Add((serde.Serialize(Samples.Transaction(i), "tx"), true));
                    break;
                case 1:
                    var noise = new byte[random.Next(0, 64)];
                    random.NextBytes(noise);
                    payloads.Add((noise, false));
                    break;
                default:
                    payloads.Add((valid[..random.Next(0, valid.Length)], false));
                    break;
            }
        }

        Topics.Produce(_kafka, "tx", payloads.Select(p => p.Bytes));
        var good = payloads.Count(p => p.Good);
        var bad = payloads.Count - good;

        var system = await ActorFlowCluster.StartNodeAsync("avro-job", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var consumer = ConsumerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers).WithGroupId("avro-job");
            var producer = ProducerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers);
            var job = StreamJobBuilder.Create("avro-job")
                .WithDeadLetters(KafkaConnectors.DeadLetters(producer, "dead", AvroSerde.Generic(_registry.Client)))
                .FromSource("tx", KafkaConnectors.Source(consumer, Subscriptions.Topics("tx"), serde), WatermarkStrategy<Transaction>.NoWatermarks())
                .Select(t =>
                {
                    t.amount *= 2;
                    return t;
                })
                .To(KafkaConnectors.Sink(producer, "out", serde, t => Encoding.UTF8.GetBytes(t.id)))
                .Build();
            var running = await JobRunner.StartAsync(system, job, new JobRunnerOptions { CheckpointInterval = null });
            await Topics.AwaitAsync(
                () => Topics.Read(_kafka, "out").Count >= good && Topics.Read(_kafka, "dead").Count >= bad,
                TimeSpan.FromSeconds(90),
                () => $"out {Topics.Read(_kafka, "out").Count}/{good}, dead {Topics.Read(_kafka, "dead").Count}/{bad}");
            await running.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }

        var output = Topics.Read(_kafka, "out").Select(r => serde.Deserialize(r.Value, "out", 0, r.Offset)).ToList();
        var expected = payloads.Select((p, offset) => (p, offset)).Where(x => x.p.Good).Select(x => serde.Deserialize(x.p.Bytes)).ToList();
        Assert.Equal(expected.Select(t => (t.id, t.amount * 2)), output.Select(t => (t.id, t.amount)));

        var deadSerde = AvroSerde.Generic(_registry.Client);
        var dead = Topics.Read(_kafka, "dead");
        Assert.Equal(bad, dead.Count);
        var badOffsets = payloads.Select((p, offset) => (p, offset)).Where(x => !x.p.Good).Select(x => (long)x.offset).ToList();
        Assert.Equal(badOffsets, dead.Select(d => long.Parse(d.Headers["actorflow.offset"], System.Globalization.CultureInfo.InvariantCulture)));
        foreach (var letter in dead)
        {
            var record = deadSerde.Deserialize(letter.Value);
            Assert.Equal("tx/0", record["origin"]);
            Assert.Equal(letter.Headers["actorflow.offset"], record["offset"].ToString());
            Assert.Equal(payloads[(int)(long)record["offset"]].Bytes, (byte[]?)record["value"] ?? []);
            Assert.Matches("Avro (TooShort|WrongMagicByte|UnknownSchemaId|Truncated|Malformed) at topic tx, partition 0, offset", (string)record["reason"]);
        }
    }

    /// <summary>Verify that the exactly-once Avro sink writes each record once, readable by the Avro serde, after a checkpoint.</summary>
    [Fact]
    public async Task The_exactly_once_Avro_sink_must_publish_after_the_checkpoint()
    {
        var serde = AvroSerde.For<Transaction>(_registry.Client);
        Topics.Produce(_kafka, "tx", Enumerable.Range(0, 50).Select(i => serde.Serialize(Samples.Transaction(i), "tx")));

        var system = await ActorFlowCluster.StartNodeAsync("avro-eo", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var consumer = ConsumerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers).WithGroupId("avro-eo");
            var producer = ProducerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers);
            var job = StreamJobBuilder.Create("avro-eo")
                .FromSource("tx", KafkaConnectors.Source(consumer, Subscriptions.Topics("tx"), serde), WatermarkStrategy<Transaction>.NoWatermarks())
                .To(KafkaConnectors.ExactlyOnceSink(producer, "eo-out", serde))
                .Build();
            var running = await JobRunner.StartAsync(system, job, new JobRunnerOptions { CheckpointInterval = TimeSpan.FromMilliseconds(500) });
            await Topics.AwaitAsync(() => Topics.Read(_kafka, "eo-out").Count >= 50, TimeSpan.FromSeconds(60), () => $"{Topics.Read(_kafka, "eo-out").Count}/50");
            await running.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }

        Assert.Equal(
            Enumerable.Range(0, 50).Select(i => $"tx-{i}").Order(StringComparer.Ordinal),
            Topics.Read(_kafka, "eo-out").Select(r => serde.Deserialize(r.Value).id).Order(StringComparer.Ordinal));
    }
}

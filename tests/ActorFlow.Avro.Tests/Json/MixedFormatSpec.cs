using System.Diagnostics.Metrics;
using ActorFlow.Avro.Json;
using ActorFlow.Avro.Kafka;
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

namespace ActorFlow.Avro.Tests.Json;

/// <summary>A topic in migration from JSON to Avro, read by one job through the mixed-format deserializer.</summary>
public sealed class MixedFormatSpec : IAsyncLifetime
{
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["mixed"] = 1, ["unified"] = 1, ["mixed-dead"] = 1 },
    });

    private readonly TempDirectory _data = new("actorflow-mixed");
    private RegistryFixture _registry = null!;

    public async Task InitializeAsync() => _registry = await RegistryFixture.StartAsync();

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        _kafka.Dispose();
        _data.Dispose();
    }

    /// <summary>Verify that the format of each payload is told apart: Avro with a known id, JSON, and neither.</summary>
    [Fact]
    public void Formats_must_be_told_apart_per_record()
    {
        var avro = AvroSerde.For<Transaction>(_registry.Client);
        var mixed = new MixedFormatDeserializer<Transaction>(avro);

        Assert.Equal(RecordFormat.Avro, mixed.FormatOf(avro.Serialize(Samples.Transaction(1), "mixed")));
        Assert.Equal(RecordFormat.Json, mixed.FormatOf(new JsonSerde<Transaction>().Serialize(Samples.Transaction(1), "mixed")));
        Assert.Equal(RecordFormat.Json, mixed.FormatOf("  \n{}"u8));
        Assert.Equal(RecordFormat.Unknown, mixed.FormatOf([0, 0, 0, 0x7F, 0x7F, 2]));
        Assert.Equal(RecordFormat.Unknown, mixed.FormatOf("plain text"u8));
        Assert.Equal(AvroFailure.UnknownFormat, Assert.Throws<AvroSerdeException>(() => mixed.Deserialize("plain text"u8.ToArray(), "mixed", 0, 3)).Failure);
    }

    /// <summary>
    /// Verify that a job reading a topic where JSON and Avro producers interleave maps both to the same record type, that
    /// the per-format counts (in the deserializer and on the <c>actorflow.records.format</c> counter) are exact, and that
    /// payloads in neither format become dead letters.
    /// </summary>
    [Fact]
    public async Task A_job_must_read_a_mixed_topic_with_exact_per_format_counts()
    {
        var avro = AvroSerde.For<Transaction>(_registry.Client);
        var json = new JsonSerde<Transaction>();
        var random = new Random(7);
        var payloads = new List<(byte[] Bytes, RecordFormat Format)>();
        for (var i = 0; i < 600; i++)
        {
            var roll = random.Next(20);
            payloads.Add(roll switch
            {
                0 => ("garbage"u8.ToArray(), RecordFormat.Unknown),
                < 9 => (json.Serialize(Samples.Transaction(i), "mixed"), RecordFormat.Json),
                _ => (avro.Serialize(Samples.Transaction(i), "mixed"), RecordFormat.Avro),
            });
        }

        Topics.Produce(_kafka, "mixed", payloads.Select(p => p.Bytes));
        var measured = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == MixedFormatDeserializer<Transaction>.FormatCounterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var topic = tags.ToArray().FirstOrDefault(t => t.Key == "topic").Value as string;
            var format = tags.ToArray().First(t => t.Key == "format").Value as string;
            if (topic == "mixed")
            {
                lock (measured)
                {
                    measured[format!] = measured.GetValueOrDefault(format!) + value;
                }
            }
        });
        listener.Start();
        var mixed = new MixedFormatDeserializer<Transaction>(avro, json);
        var good = payloads.Count(p => p.Format != RecordFormat.Unknown);

        var system = await ActorFlowCluster.StartNodeAsync("mixed", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var consumer = ConsumerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers).WithGroupId("mixed");
            var producer = ProducerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers);
            var job = StreamJobBuilder.Create("mixed")
                .WithDeadLetters(KafkaConnectors.DeadLetters(producer, "mixed-dead"))
                .FromSource("mixed", KafkaConnectors.Source(consumer, Subscriptions.Topics("mixed"), mixed), WatermarkStrategy<Transaction>.NoWatermarks())
                .To(KafkaConnectors.Sink(producer, "unified", avro))
                .Build();
            var running = await JobRunner.StartAsync(system, job, new JobRunnerOptions { CheckpointInterval = null });
            await Topics.AwaitAsync(() => Topics.Read(_kafka, "unified").Count >= good, TimeSpan.FromSeconds(60), () => $"{Topics.Read(_kafka, "unified").Count}/{good}");
            await running.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }

        var expectedIds = payloads.Select((p, i) => (p, i)).Where(x => x.p.Format != RecordFormat.Unknown).Select(x => $"tx-{x.i}");
        Assert.Equal(expectedIds, Topics.Read(_kafka, "unified").Select(r => avro.Deserialize(r.Value).id));
        foreach (var format in new[] { RecordFormat.Avro, RecordFormat.Json, RecordFormat.Unknown })
        {
            var expected = payloads.Count(p => p.Format == format);
            Assert.Equal(expected, mixed.Count(format));
            Assert.Equal(expected, measured.GetValueOrDefault(format.ToString().ToLowerInvariant()));
        }

        Assert.Equal(payloads.Count(p => p.Format == RecordFormat.Unknown), Topics.Read(_kafka, "mixed-dead").Count);
    }
}

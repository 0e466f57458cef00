using ActorFlow.Avro;
using ActorFlow.Avro.Registry;
using ActorFlow.Avro.Registry.Store;
using ActorFlow.Kafka.Embedded;
using Avro.Generic;

namespace ActorFlow.TestKit.Tests.Kafka;

public sealed class AvroTopicFormatSpec : IAsyncLifetime
{
    private static readonly global::Avro.RecordSchema Schema = (global::Avro.RecordSchema)global::Avro.Schema.Parse(
        """{"type":"record","name":"Payment","namespace":"test","fields":[{"name":"account","type":"string"},{"name":"cents","type":"long"}]}""");

    private readonly string _db = Path.Combine(Path.GetTempPath(), $"actorflow-testkit-registry-{Guid.NewGuid():N}.db");
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Topics = new Dictionary<string, int> { ["payments"] = 2 } });
    private EmbeddedSchemaRegistry _registry = null!;

    public async Task InitializeAsync() =>
        _registry = await EmbeddedSchemaRegistry.StartAsync(new EmbeddedSchemaRegistryOptions { Store = () => SqlSchemaStore.Sqlite($"Data Source={_db}") });

    /// <summary>Verify that Avro records produced through an Avro topic format (Confluent wire format, registry) are read back equal, keyed and timestamped.</summary>
    [Fact]
    public void An_avro_topic_must_round_trip_records_through_the_registry()
    {
        using var client = SchemaRegistries.Connect(_registry.Url);
        var format = TopicFormat.Avro(AvroSerde.Generic(client, Schema), "payments", p => (string)p["account"], p => (long)p["cents"]);
        using var topics = new TestTopics(_kafka.BootstrapServers);
        var payments = topics.Topic("payments", format);

        payments.Produce(Payment("ann", 150), Payment("bob", 990), Payment("ann", 75));

        var read = payments.ReadRecordsToEnd();
        OutputAssert.Equivalent(["ann:150@150", "bob:990@990", "ann:75@75"], read.Select(r => $"{r.Value["account"]}:{r.Value["cents"]}@{r.Timestamp}"));
        Assert.Equal(["ann", "ann", "bob"], read.Select(r => System.Text.Encoding.UTF8.GetString(r.Key!)).Order(StringComparer.Ordinal));
        var raw = topics.Topic("payments", new TopicFormat<byte[]>(b => (null, b), (_, value) => value)).ReadToEnd();
        Assert.All(raw, bytes => Assert.Equal(AvroSerde<GenericRecord>.MagicByte, bytes[0])); // the Confluent wire format
    }

    /// <summary>
    /// Verify that an Avro topic reads records whose schema id is in a <c>__value_schema_id</c> header (Confluent's header
    /// mode: the payload is the bare Avro body): <c>ReadToEnd</c> decodes with <c>FromKafka</c>, which passes the headers.
    /// </summary>
    [Fact]
    public void An_avro_topic_must_read_records_with_their_schema_id_in_a_header()
    {
        using var client = SchemaRegistries.Connect(_registry.Url);
        var serde = AvroSerde.Generic(client, Schema);
        var prefixed = serde.Serialize(Payment("cy", 42), "payments");
        using (var producer = new Confluent.Kafka.ProducerBuilder<byte[], byte[]>(new Confluent.Kafka.ProducerConfig { BootstrapServers = _kafka.BootstrapServers }).Build())
        {
            producer.Produce(new Confluent.Kafka.TopicPartition("payments", 0), new Confluent.Kafka.Message<byte[], byte[]>
            {
                Value = prefixed[AvroSerde<GenericRecord>.HeaderLength..],
                Headers = new Confluent.Kafka.Headers { { AvroSerde<GenericRecord>.ValueSchemaIdHeader, prefixed[..AvroSerde<GenericRecord>.HeaderLength] } },
            });
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        }

        using var topics = new TestTopics(_kafka.BootstrapServers);
        var payment = Assert.Single(topics.Topic("payments", TopicFormat.Avro(serde, "payments")).ReadToEnd());

        Assert.Equal(("cy", 42L), ((string)payment["account"], (long)payment["cents"]));
    }

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        _kafka.Dispose();
        ActorFlow.Persistence.Sql.SqliteConnections.ClearAllPools();
        File.Delete(_db);
    }

    private static GenericRecord Payment(string account, long cents)
    {
        var record = new GenericRecord(Schema);
        record.Add("account", account);
        record.Add("cents", cents);
        return record;
    }
}

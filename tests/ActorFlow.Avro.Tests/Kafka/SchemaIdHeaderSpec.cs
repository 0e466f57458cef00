using System.Buffers.Binary;
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
using Confluent.Kafka;
using Confluent.Kafka.SyncOverAsync;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;

namespace ActorFlow.Avro.Tests.Kafka;

/// <summary>
/// Records whose schema id is in a header, not before the payload: Confluent's serializers write them so when told to
/// (Confluent 8's <c>HeaderSchemaIdSerializer</c>, .NET's <c>SchemaIdSerializerStrategy.Header</c>): a
/// <c>__value_schema_id</c> (or <c>__key_schema_id</c>) header of the magic byte 1 and the schema's GUID (the MD5 of
/// its text), and the bare Avro body as the payload. Confluent's deserializers read both forms.
/// </summary>
public sealed class SchemaIdHeaderSpec : IAsyncLifetime
{
    private RegistryFixture _registry = null!;

    public async Task InitializeAsync() => _registry = await RegistryFixture.StartAsync();

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    /// <summary>
    /// Verify that the registry gives each schema Confluent's GUID (the MD5 of its text) when registering it and looks it
    /// up by that GUID, and that a value Confluent's serializer wrote with its GUID in the header reads back.
    /// </summary>
    [Fact]
    public async Task A_value_with_its_schema_guid_in_a_header_must_read()
    {
        var context = new SerializationContext(MessageComponentType.Value, "tx", []);
        var payload = await HeaderSerializer<Transaction>().SerializeAsync(Samples.Transaction(3), context);

        var header = Assert.Single(context.Headers, h => h.Key == AvroSerde<Transaction>.ValueSchemaIdHeader).GetValueBytes();
        Assert.Equal(AvroSerde<Transaction>.GuidHeaderLength, header.Length);
        Assert.Equal(AvroSerde<Transaction>.GuidMagicByte, header[0]);
        var registered = await _registry.Client.GetLatestSchemaAsync("tx-value");
        var guid = RegistryRest.GuidOf(registered.SchemaString);
        Assert.Equal(guid, new Guid(header.AsSpan(1), bigEndian: true));
        Assert.Equal(registered.SchemaString, (await _registry.Client.GetSchemaByGuidAsync(guid.ToString(), null)).SchemaString);
        using (var rest = new RegistryRest(_registry.Registry.Url))
        {
            Assert.Equal($$"""[{"context":".","id":{{registered.Id}}}]""", (await rest.Send(HttpMethod.Get, $"/schemas/guids/{guid}/ids")).ToJsonString());
            Assert.Equal("[]", (await rest.Send(HttpMethod.Get, $"/schemas/guids/{Guid.NewGuid()}/ids")).ToJsonString()); // as Confluent: no 404
            Assert.Equal(40403, (await rest.Fail(HttpMethod.Get, $"/schemas/guids/{Guid.NewGuid()}", "")).ErrorCode);
        }

        var serde = AvroSerde.For<Transaction>(_registry.Client);
        SpecificAssert.Same(Samples.Transaction(3), serde.DeserializeWithHeaders(payload, context.Headers, false, "tx", 0, 7));
        Assert.Equal(AvroFailure.WrongMagicByte, Assert.Throws<AvroSerdeException>(() => serde.Deserialize(payload, "tx", 0, 7)).Failure); // no prefix
    }

    /// <summary>Verify that a key reads its schema from <c>__key_schema_id</c>, not from the value's header.</summary>
    [Fact]
    public async Task A_key_must_read_its_own_header()
    {
        var headers = new Headers();
        var key = await HeaderSerializer<string>().SerializeAsync("customer-7", new SerializationContext(MessageComponentType.Key, "orders", headers));
        var value = await HeaderSerializer<long>().SerializeAsync(41L, new SerializationContext(MessageComponentType.Value, "orders", headers));

        Assert.Equal("customer-7", AvroSerde.Primitive<string>(_registry.Client).DeserializeWithHeaders(key, headers, true, "orders", 0, 0));
        Assert.Equal(41L, AvroSerde.Primitive<long>(_registry.Client).DeserializeWithHeaders(value, headers, false, "orders", 0, 0));
    }

    /// <summary>Verify that a header holding a schema id (magic byte 0) reads by id, and a record without the header reads its prefix.</summary>
    [Fact]
    public async Task A_header_with_a_schema_id_must_read_and_no_header_must_read_the_prefix()
    {
        var serde = AvroSerde.For<Transaction>(_registry.Client);
        var prefixed = serde.Serialize(Samples.Transaction(5), "tx");
        var id = BinaryPrimitives.ReadInt32BigEndian(prefixed.AsSpan(1));
        var headers = new Headers { { AvroSerde<Transaction>.ValueSchemaIdHeader, prefixed[..AvroSerde<Transaction>.HeaderLength] } };

        SpecificAssert.Same(Samples.Transaction(5), serde.DeserializeWithHeaders(prefixed[AvroSerde<Transaction>.HeaderLength..], headers, false, "tx", 0, 0));
        SpecificAssert.Same(Samples.Transaction(5), serde.DeserializeWithHeaders(prefixed, [], false, "tx", 0, 0));
        SpecificAssert.Same(Samples.Transaction(5), serde.DeserializeWithHeaders(prefixed, null, false, "tx", 0, 0));
        Assert.Equal(id, Assert.Throws<AvroSerdeException>(() => serde.DeserializeWithHeaders(prefixed, headers, false, "tx", 0, 0)).SchemaId); // the prefix is not the body
    }

    /// <summary>Verify that a header naming no schema the registry has, or in no known form, fails its record with the reason.</summary>
    [Fact]
    public async Task A_header_naming_no_known_schema_must_fail_its_record()
    {
        var serde = AvroSerde.For<Transaction>(_registry.Client);
        var body = (await HeaderSerializer<Transaction>().SerializeAsync(Samples.Transaction(1), new SerializationContext(MessageComponentType.Value, "tx", [])));
        byte[] unknown = [1, .. Guid.NewGuid().ToByteArray(bigEndian: true)];

        var e = Assert.Throws<AvroSerdeException>(() => serde.DeserializeWithHeaders(body, Header(unknown), false, "tx", 2, 9));
        Assert.Equal(AvroFailure.UnknownSchemaId, e.Failure);
        Assert.Equal(9, e.Offset);
        Assert.Equal(AvroFailure.WrongMagicByte, Assert.Throws<AvroSerdeException>(() => serde.DeserializeWithHeaders(body, Header([7, 0, 0, 0, 1]), false, "tx", 0, 0)).Failure);
        Assert.Equal(AvroFailure.TooShort, Assert.Throws<AvroSerdeException>(() => serde.DeserializeWithHeaders(body, Header(unknown[..9]), false, "tx", 0, 0)).Failure);
        Assert.Equal(AvroFailure.TooShort, Assert.Throws<AvroSerdeException>(() => serde.DeserializeWithHeaders(body, Header([]), false, "tx", 0, 0)).Failure);

        static Headers Header(byte[] value) => new() { { AvroSerde<Transaction>.ValueSchemaIdHeader, value } };
    }

    /// <summary>
    /// Verify that a job's Avro source reads records a Confluent producer wrote with header schema ids, beside prefixed
    /// ones, and that a record whose header names no known schema is dead-lettered with its headers, so that it can be
    /// read again once its schema is found.
    /// </summary>
    [Fact]
    public async Task A_job_must_read_records_with_header_schema_ids()
    {
        using var kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Topics = new Dictionary<string, int> { ["tx"] = 1, ["out"] = 1, ["dead"] = 1 } });
        using var data = new TempDirectory("actorflow-avro-header-ids");
        var serde = AvroSerde.For<Transaction>(_registry.Client);
        using (var producer = new ProducerBuilder<Null, Transaction>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers })
            .SetValueSerializer(HeaderSerializer<Transaction>().AsSyncOverAsync()).Build())
        {
            for (var i = 0; i < 20; i++)
            {
                producer.Produce("tx", new Message<Null, Transaction> { Value = Samples.Transaction(i) });
            }

            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        }

        byte[] unknown = [AvroSerde<Transaction>.GuidMagicByte, .. Guid.NewGuid().ToByteArray(bigEndian: true)];
        var orphan = serde.Serialize(Samples.Transaction(99), "tx")[AvroSerde<Transaction>.HeaderLength..];
        using (var raw = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build())
        {
            raw.Produce("tx", new Message<byte[], byte[]> { Value = orphan, Headers = new Headers { { "trace", [7] }, { AvroSerde<Transaction>.ValueSchemaIdHeader, unknown }, { "actorflow.operator", "Where"u8.ToArray() } } });
            Assert.Equal(0, raw.Flush(TimeSpan.FromSeconds(30)));
        }

        Topics.Produce(kafka, "tx", Enumerable.Range(20, 5).Select(i => serde.Serialize(Samples.Transaction(i), "tx")));

        var system = await ActorFlowCluster.StartNodeAsync("avro-header-ids", StateStoreSettings.Sqlite(data.Path));
        try
        {
            var consumer = ConsumerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(kafka.BootstrapServers).WithGroupId("avro-header-ids");
            var producer = ProducerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(kafka.BootstrapServers);
            var job = StreamJobBuilder.Create("avro-header-ids")
                .WithDeadLetters(KafkaConnectors.DeadLetters(producer, "dead"))
                .FromSource("tx", KafkaConnectors.Source(consumer, Subscriptions.Topics("tx"), serde), WatermarkStrategy<Transaction>.NoWatermarks())
                .To(KafkaConnectors.Sink(producer, "out", serde))
                .Build();
            var running = await JobRunner.StartAsync(system, job, new JobRunnerOptions { CheckpointInterval = null });
            await Topics.AwaitAsync(() => Topics.Read(kafka, "out").Count >= 25 && Topics.Read(kafka, "dead").Count >= 1, TimeSpan.FromSeconds(60), () => $"{Topics.Read(kafka, "out").Count}/25");
            await running.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }

        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"tx-{i}"), Topics.Read(kafka, "out").Select(r => serde.Deserialize(r.Value).id));
        var dead = Assert.Single(Topics.Read(kafka, "dead"));
        Assert.Equal(orphan, dead.Value);
        Assert.Contains("UnknownSchemaId", dead.Headers["actorflow.error"], StringComparison.Ordinal);
        using var reader = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = kafka.BootstrapServers, GroupId = "dead-reader" }).Build();
        reader.Assign(new TopicPartitionOffset("dead", 0, Offset.Beginning));
        var letter = reader.Consume(TimeSpan.FromSeconds(10))!;
        Assert.True(letter.Message.Headers.TryGetLastBytes(AvroSerde<Transaction>.ValueSchemaIdHeader, out var kept));
        Assert.Equal(unknown, kept);
        Assert.Equal(["trace", AvroSerde<Transaction>.ValueSchemaIdHeader, "actorflow.error", "actorflow.origin", "actorflow.offset"], letter.Message.Headers.Select(h => h.Key)); // not the replayed stage's
    }

    /// <summary>
    /// Verify that the Avro dead-letter sink keeps a dead letter's original headers in its record (a schema-id header as
    /// a Kafka header would name the wrong schema for the dead letter's own value), and that its schema still reads
    /// dead letters written before it had them.
    /// </summary>
    [Fact]
    public void An_avro_dead_letter_must_keep_the_original_headers_in_its_record()
    {
        var serde = AvroSerde.Generic(_registry.Client);
        byte[] id = [AvroSerde<Transaction>.GuidMagicByte, .. Guid.NewGuid().ToByteArray(bigEndian: true)];
        var letter = new ActorFlow.Topology.Connectors.DeadLetterRecord("decoding failed", "tx/0", 4, null, [1, 2])
        {
            Headers = [new(AvroSerde<Transaction>.ValueSchemaIdHeader, id), new("empty", null)],
        };

        var message = AvroKafkaConnectors.DeadLetterMessage(letter, "dead", serde);

        Assert.False(message.Headers.TryGetLastBytes(AvroSerde<Transaction>.ValueSchemaIdHeader, out _));
        var record = serde.Deserialize(message.Value);
        var headers = ((object[])record["headers"]).Cast<global::Avro.Generic.GenericRecord>().Select(h => ((string)h["key"], (byte[]?)h["value"])).ToList();
        Assert.Equal([AvroSerde<Transaction>.ValueSchemaIdHeader, "empty"], headers.Select(h => h.Item1));
        Assert.Equal(id, headers[0].Item2);
        Assert.Null(headers[1].Item2);
        // Without headers a dead letter is written with the schema before the field, as a registry without
        // auto-registration knows it.
        Assert.False(serde.Deserialize(AvroKafkaConnectors.DeadLetterMessage(letter with { Headers = null }, "dead", serde).Value).TryGetValue("headers", out _));

        // The dead-letter subject evolves both ways: the schema before the headers field reads the new records, and the
        // new schema reads the old ones.
        var before = global::Avro.Schema.Parse(
            """{"type":"record","name":"DeadLetter","namespace":"actorflow","fields":[{"name":"reason","type":"string"},{"name":"origin","type":"string"},{"name":"offset","type":"long"},{"name":"operator","type":["null","string"],"default":null},{"name":"key","type":["null","bytes"],"default":null},{"name":"value","type":["null","bytes"],"default":null}]}""");
        Assert.Empty(ActorFlow.Avro.Compatibility.SchemaCompatibility.Check(AvroKafkaConnectors.DeadLetterRecordSchema, before));
        Assert.Empty(ActorFlow.Avro.Compatibility.SchemaCompatibility.Check(before, AvroKafkaConnectors.DeadLetterRecordSchema));
    }

    private AvroSerializer<T> HeaderSerializer<T>() =>
        new(_registry.Client, new AvroSerializerConfig { SchemaIdStrategy = SchemaIdSerializerStrategy.Header });
}

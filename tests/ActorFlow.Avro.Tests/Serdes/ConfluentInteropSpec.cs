using ActorFlow.Avro.Tests.Records;
using ActorFlow.Avro.Tests.Support;
using Avro.Generic;
using Confluent.Kafka;
using Confluent.SchemaRegistry.Serdes;

namespace ActorFlow.Avro.Tests.Serdes;

/// <summary>Our serdes against Confluent.SchemaRegistry.Serdes.Avro, both sides on the embedded registry.</summary>
public sealed class ConfluentInteropSpec : IAsyncLifetime
{
    private static readonly SerializationContext Value = new(MessageComponentType.Value, "tx");
    private RegistryFixture _registry = null!;

    public async Task InitializeAsync() => _registry = await RegistryFixture.StartAsync();

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    /// <summary>Verify that Confluent's deserializer reads what ours writes.</summary>
    [Fact]
    public async Task Confluent_must_read_our_bytes()
    {
        var ours = AvroSerde.For<Transaction>(_registry.Client);
        var theirs = new AvroDeserializer<Transaction>(_registry.Client);

        var back = await theirs.DeserializeAsync(ours.Serialize(Samples.Transaction(5), "tx"), false, Value);

        Assert.Equal("tx-5", back.id);
        Assert.Equal(17.5, back.amount);
    }

    /// <summary>Verify that ours reads what Confluent's serializer writes, and that both use the same schema id.</summary>
    [Fact]
    public async Task We_must_read_Confluent_bytes()
    {
        var theirs = new AvroSerializer<Transaction>(_registry.Client);
        var ours = AvroSerde.For<Transaction>(_registry.Client);

        var bytes = await theirs.SerializeAsync(Samples.Transaction(6), Value);
        var back = ours.Deserialize(bytes, "tx", 0, 0);

        Assert.Equal("tx-6", back.id);
        Assert.Equal(bytes[..5], ours.Serialize(Samples.Transaction(1), "tx")[..5]);
    }

    /// <summary>Verify that every type and logical type crosses in both directions.</summary>
    [Fact]
    public async Task Every_type_must_cross_both_ways()
    {
        var context = new SerializationContext(MessageComponentType.Value, "all");
        var ours = AvroSerde.For<AllTypes>(_registry.Client);
        var fromUs = await new AvroDeserializer<AllTypes>(_registry.Client).DeserializeAsync(ours.Serialize(Samples.AllTypes(), "all"), false, context);
        var fromThem = ours.Deserialize(await new AvroSerializer<AllTypes>(_registry.Client).SerializeAsync(Samples.AllTypes(), context));

        foreach (var back in new[] { fromUs, fromThem })
        {
            Assert.Equal(Samples.AllTypes().price, back.price);
            Assert.Equal(Samples.AllTypes().createdMicros, back.createdMicros);
            Assert.Equal(Samples.AllTypes().uuid, back.uuid);
            Assert.Equal(Samples.AllTypes().hash.Value, back.hash.Value);
            Assert.Equal(Samples.AllTypes().counts, back.counts);
        }
    }

    /// <summary>Verify that generic records cross both ways.</summary>
    [Fact]
    public async Task Generic_records_must_cross_both_ways()
    {
        var schema = (global::Avro.RecordSchema)global::Avro.Schema.Parse("""{"type":"record","name":"Point","fields":[{"name":"x","type":"int"}]}""");
        var record = new GenericRecord(schema);
        record.Add("x", 9);
        var context = new SerializationContext(MessageComponentType.Value, "points");
        var ours = AvroSerde.Generic(_registry.Client);

        var fromUs = await new AvroDeserializer<GenericRecord>(_registry.Client).DeserializeAsync(ours.Serialize(record, "points"), false, context);
        var fromThem = ours.Deserialize(await new AvroSerializer<GenericRecord>(_registry.Client).SerializeAsync(record, context));

        Assert.Equal(9, fromUs["x"]);
        Assert.Equal(9, fromThem["x"]);
    }
}

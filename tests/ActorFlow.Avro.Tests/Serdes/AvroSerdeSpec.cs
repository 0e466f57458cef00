using System.Buffers.Binary;
using ActorFlow.Avro.Tests.Records;
using ActorFlow.Avro.Tests.Support;
using Avro.Generic;

namespace ActorFlow.Avro.Tests.Serdes;

public sealed class AvroSerdeSpec : IAsyncLifetime
{
    private RegistryFixture _registry = null!;

    public async Task InitializeAsync() => _registry = await RegistryFixture.StartAsync();

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    /// <summary>Verify that a specific record is written as magic byte 0, the big-endian id of its registered schema and Avro, and reads back equal.</summary>
    [Fact]
    public async Task A_specific_record_must_round_trip_in_the_Confluent_wire_format()
    {
        var serde = AvroSerde.For<Transaction>(_registry.Client);
        var tx = Samples.Transaction(7);

        var bytes = serde.Serialize(tx, "tx");

        Assert.Equal(0, bytes[0]);
        var registered = await _registry.Client.GetLatestSchemaAsync("tx-value");
        Assert.Equal(registered.Id, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(1)));
        var back = serde.Deserialize(bytes, "tx", 0, 0);
        Assert.Equal(tx.id, back.id);
        Assert.Equal(tx.account, back.account);
        Assert.Equal(tx.amount, back.amount);
        Assert.Equal(tx.currency, back.currency);
        Assert.Equal(tx.timestamp, back.timestamp);
        Assert.Equal(tx.merchant, back.merchant);
        Assert.Equal(tx.country, back.country);
        Assert.Equal(tx.approved, back.approved);
        Assert.Equal(tx.score, back.score);
        Assert.Equal(tx.items, back.items);
    }

    /// <summary>Verify that every Avro type and logical type survives a round trip.</summary>
    [Fact]
    public void Every_type_and_logical_type_must_round_trip()
    {
        var serde = AvroSerde.For<AllTypes>(_registry.Client);
        var v = Samples.AllTypes();

        var back = serde.Deserialize(serde.Serialize(v, "all"));

        Assert.Equal(v.flag, back.flag);
        Assert.Equal(v.small, back.small);
        Assert.Equal(v.big, back.big);
        Assert.Equal(v.ratio, back.ratio);
        Assert.Equal(v.precise, back.precise);
        Assert.Equal(v.blob, back.blob);
        Assert.Equal(v.text, back.text);
        Assert.Null(back.nothing);
        Assert.Equal(Color.GREEN, back.color);
        Assert.Equal(v.hash.Value, back.hash.Value);
        Assert.Equal(v.address.street, back.address.street);
        Assert.Equal(v.address.zip, back.address.zip);
        Assert.Equal(v.tags, back.tags);
        Assert.Equal(v.counts, back.counts);
        Assert.Equal(v.addresses.Select(a => (a.street, a.zip)), back.addresses.Select(a => (a.street, a.zip)));
        Assert.Null(back.nickname);
        Assert.Equal("text branch", back.choice);
        Assert.Equal(v.price, back.price);
        Assert.Equal(v.day, back.day);
        Assert.Equal(v.timeMillis, back.timeMillis);
        Assert.Equal(v.timeMicros, back.timeMicros);
        Assert.Equal(v.createdMillis, back.createdMillis);
        Assert.Equal(v.createdMicros, back.createdMicros);
        Assert.Equal(v.uuid, back.uuid);
    }

    /// <summary>Verify that nullable unions carry both their null and their value branch, and an int branch of a three-way union.</summary>
    [Fact]
    public void Nullable_unions_must_round_trip_both_branches()
    {
        var serde = AvroSerde.For<AllTypes>(_registry.Client);
        var v = Samples.AllTypes();
        v.nickname = "nick";
        v.choice = 17;
        v.address.zip = null;

        var back = serde.Deserialize(serde.Serialize(v, "all"));

        Assert.Equal("nick", back.nickname);
        Assert.Equal(17, back.choice);
        Assert.Null(back.address.zip);
    }

    /// <summary>Verify that generic records are written with their own schema and read back with it when no reader schema is given.</summary>
    [Fact]
    public void A_generic_record_must_round_trip()
    {
        var schema = (global::Avro.RecordSchema)global::Avro.Schema.Parse("""{"type":"record","name":"Point","fields":[{"name":"x","type":"int"},{"name":"label","type":["null","string"],"default":null}]}""");
        var record = new GenericRecord(schema);
        record.Add("x", 3);
        record.Add("label", "p");
        var serde = AvroSerde.Generic(_registry.Client);

        var back = serde.Deserialize(serde.Serialize(record, "points"));

        Assert.Equal(3, back["x"]);
        Assert.Equal("p", back["label"]);
        Assert.Equal("Point", back.Schema.Name);
    }

    /// <summary>Verify that a value that does not fit its schema fails as InvalidValue naming the topic.</summary>
    [Fact]
    public void A_value_that_does_not_fit_its_schema_must_fail_typed()
    {
        var serde = AvroSerde.For<Transaction>(_registry.Client);
        var tx = Samples.Transaction(1);
        tx.id = null!;

        var e = Assert.Throws<AvroSerdeException>(() => serde.Serialize(tx, "tx"));

        Assert.Equal(AvroFailure.InvalidValue, e.Failure);
        Assert.Equal("tx", e.Topic);
    }

    /// <summary>Verify that a writer schema the subject's compatibility refuses fails as RegistrationRefused naming the field and rule.</summary>
    [Fact]
    public async Task An_incompatible_writer_schema_must_be_refused_typed()
    {
        await _registry.Client.RegisterSchemaAsync("tx-value", new Confluent.SchemaRegistry.Schema("""{"type":"record","name":"Transaction","namespace":"ActorFlow.Avro.Tests.Records","fields":[{"name":"legacy","type":"string"}]}""", Confluent.SchemaRegistry.SchemaType.Avro));

        var e = Assert.Throws<AvroSerdeException>(() => AvroSerde.For<Transaction>(_registry.Client).Serialize(Samples.Transaction(1), "tx"));

        Assert.Equal(AvroFailure.RegistrationRefused, e.Failure);
        Assert.Contains("READER_FIELD_MISSING_DEFAULT_VALUE", e.Message, StringComparison.Ordinal);
        Assert.Contains("'id'", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that without auto-registration the schema is looked up (and an unregistered one fails), and that the record strategy names the subject after the record.</summary>
    [Fact]
    public async Task Subjects_must_follow_the_options()
    {
        var lookupOnly = AvroSerde.For<Transaction>(_registry.Client, new AvroSerdeOptions { AutoRegisterSchemas = false });
        Assert.Equal(AvroFailure.UnknownSchemaId, Assert.Throws<AvroSerdeException>(() => lookupOnly.Serialize(Samples.Transaction(1), "tx")).Failure);

        var byRecord = AvroSerde.For<Transaction>(_registry.Client, new AvroSerdeOptions { SubjectNameStrategy = SubjectNameStrategy.Record });
        var bytes = byRecord.Serialize(Samples.Transaction(1), "tx");

        Assert.Equal(["ActorFlow.Avro.Tests.Records.Transaction"], await _registry.Client.GetAllSubjectsAsync());
        Assert.Equal("tx-1", lookupOnly.Deserialize(bytes).id);
        var byTopic = AvroSerde.For<Transaction>(_registry.Client, new AvroSerdeOptions { SubjectNameStrategy = SubjectNameStrategy.TopicRecord });
        byTopic.Serialize(Samples.Transaction(1), "tx");
        Assert.Contains("tx-ActorFlow.Avro.Tests.Records.Transaction", await _registry.Client.GetAllSubjectsAsync());
    }
}

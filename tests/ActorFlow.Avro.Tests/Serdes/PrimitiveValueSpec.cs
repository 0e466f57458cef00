using System.Text;
using ActorFlow.Avro.Tests.Support;
using Avro.Generic;
using Confluent.Kafka;
using Confluent.SchemaRegistry.Serdes;
using AvroSchema = Avro.Schema;

namespace ActorFlow.Avro.Tests.Serdes;

/// <summary>
/// Values whose writer schema is not a record (Confluent's serializers write keys and single values as <c>"string"</c>,
/// <c>"long"</c>, ...): <see cref="AvroSerde.Primitive{T}"/> and <see cref="AvroSerde.Any"/> against Confluent's serdes.
/// </summary>
public sealed class PrimitiveValueSpec : IAsyncLifetime
{
    private RegistryFixture _registry = null!;

    public async Task InitializeAsync() => _registry = await RegistryFixture.StartAsync();

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    /// <summary>Verify that a string key crosses both ways under the same schema id as Confluent's.</summary>
    [Fact]
    public async Task A_string_key_must_cross_both_ways()
    {
        var key = new SerializationContext(MessageComponentType.Key, "orders");
        var theirs = await new AvroSerializer<string>(_registry.Client).SerializeAsync("customer-7", key);
        var serde = AvroSerde.Primitive<string>(_registry.Client);

        var ours = serde.Serialize("customer-7", "orders", isKey: true);

        Assert.Equal("customer-7", serde.Deserialize(theirs, "orders", 0, 0));
        Assert.Equal("customer-7", await new AvroDeserializer<string>(_registry.Client).DeserializeAsync(ours, false, key));
        Assert.Equal(theirs, ours);
        Assert.Equal("\"string\"", (await _registry.Client.GetLatestSchemaAsync("orders-key")).SchemaString);
    }

    /// <summary>Verify that writer values are promoted to the reader's type as Avro's resolution rules say.</summary>
    [Fact]
    public async Task A_writer_value_must_be_promoted_to_the_reader_type()
    {
        var value = new SerializationContext(MessageComponentType.Value, "counts");
        var anInt = await new AvroSerializer<int>(_registry.Client).SerializeAsync(41, value);
        var aString = await new AvroSerializer<string>(_registry.Client).SerializeAsync("né", new SerializationContext(MessageComponentType.Value, "names"));

        Assert.Equal(41L, AvroSerde.Primitive<long>(_registry.Client).Deserialize(anInt));
        Assert.Equal(41.0, AvroSerde.Primitive<double>(_registry.Client).Deserialize(anInt));
        Assert.Equal(41f, AvroSerde.Primitive<float>(_registry.Client).Deserialize(anInt));
        Assert.Equal(Encoding.UTF8.GetBytes("né"), AvroSerde.Primitive<byte[]>(_registry.Client).Deserialize(aString));
    }

    /// <summary>Verify that a writer schema the reader type cannot read is refused as unresolvable, naming the record.</summary>
    [Fact]
    public async Task A_writer_schema_of_another_type_must_be_unresolvable()
    {
        var aString = await new AvroSerializer<string>(_registry.Client).SerializeAsync("x", new SerializationContext(MessageComponentType.Value, "names"));

        var e = Assert.Throws<AvroSerdeException>(() => AvroSerde.Primitive<long>(_registry.Client).Deserialize(aString, "names", 3, 12));

        Assert.Equal(AvroFailure.UnresolvableSchema, e.Failure);
        Assert.Equal(12, e.Offset);

        // A string reader reads a nullable writer's null too, but the reason names the types the user has: no union.
        var aLong = await new AvroSerializer<long>(_registry.Client).SerializeAsync(7L, new SerializationContext(MessageComponentType.Value, "counts"));
        var text = Assert.Throws<AvroSerdeException>(() => AvroSerde.Primitive<string>(_registry.Client).Deserialize(aLong, "counts", 0, 1));
        Assert.Equal(AvroFailure.UnresolvableSchema, text.Failure);
        Assert.Contains("long", text.Detail, StringComparison.Ordinal);
        Assert.Contains("string", text.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("null", text.Detail, StringComparison.Ordinal);
    }

    /// <summary>
    /// Verify that a nullable union writer schema reads its non-null branch, and its null as null into a string (as
    /// Java's deserializer gives it) but as malformed into a long, which cannot hold it.
    /// </summary>
    [Fact]
    public async Task A_nullable_union_writer_must_read_its_value()
    {
        var text = await Register("maybe-value", """["null","string"]""");
        var number = await Register("count-value", """["null","long"]""");
        var serde = AvroSerde.Primitive<string>(_registry.Client);

        Assert.Equal("hi", serde.Deserialize(Payload(text, 2, 4, (byte)'h', (byte)'i')));
        Assert.Null(serde.Deserialize(Payload(text, 0)));
        Assert.Equal(3L, AvroSerde.Primitive<long>(_registry.Client).Deserialize(Payload(number, 2, 6)));
        Assert.Equal(AvroFailure.Malformed, Assert.Throws<AvroSerdeException>(() => AvroSerde.Primitive<long>(_registry.Client).Deserialize(Payload(number, 0))).Failure);
    }

    /// <summary>Verify that Any reads what Java's deserializer would give: a primitive, a record, an enum, an array.</summary>
    [Fact]
    public async Task Any_must_read_every_writer_schema_in_generic_form()
    {
        var any = AvroSerde.Any(_registry.Client);
        var record = new GenericRecord((global::Avro.RecordSchema)AvroSchema.Parse("""{"type":"record","name":"Point","fields":[{"name":"x","type":"int"}]}"""));
        record.Add("x", 3);
        var enumId = await Register("mood-value", """{"type":"enum","name":"Mood","symbols":["HAPPY","SAD"]}""");
        var arrayId = await Register("tags-value", """{"type":"array","items":"string"}""");

        Assert.Equal(9L, any.Deserialize(await new AvroSerializer<long>(_registry.Client).SerializeAsync(9L, new SerializationContext(MessageComponentType.Value, "n"))));
        Assert.Equal(3, Assert.IsType<GenericRecord>(any.Deserialize(await new AvroSerializer<GenericRecord>(_registry.Client).SerializeAsync(record, new SerializationContext(MessageComponentType.Value, "p"))))["x"]);
        Assert.Equal("SAD", Assert.IsType<GenericEnum>(any.Deserialize(Payload(enumId, 2))).Value);
        Assert.Equal(["a"], Assert.IsType<object[]>(any.Deserialize(Payload(arrayId, 2, 2, (byte)'a', 0))));
    }

    /// <summary>Verify that Any writes a value with the schema Java's serializer would take from it, and refuses one with none.</summary>
    [Fact]
    public async Task Any_must_write_with_the_value_schema()
    {
        var any = AvroSerde.Any(_registry.Client);
        var context = new SerializationContext(MessageComponentType.Value, "mixed");

        Assert.Equal(5L, await new AvroDeserializer<long>(_registry.Client).DeserializeAsync(any.Serialize(5L, "mixed"), false, context));
        Assert.Equal("\"long\"", (await _registry.Client.GetLatestSchemaAsync("mixed-value")).SchemaString);
        Assert.Equal(AvroFailure.InvalidValue, Assert.Throws<AvroSerdeException>(() => any.Serialize(DateTime.UnixEpoch, "mixed")).Failure);
        for (var i = 0; i < 3; i++)
        {
            any.Serialize((long)i, "mixed");
        }

        // One prepared writer per (topic, schema): a primitive's schema is one instance, not a new one per value.
        var prepared = (System.Collections.IEnumerable)typeof(AvroSerde<object>).GetField("_fastWriters", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(any)!;
        Assert.Single(prepared);
    }

    /// <summary>Verify that the record serde refuses a non-record writer schema as unresolvable, naming the other serdes.</summary>
    [Fact]
    public async Task A_record_serde_must_refuse_a_primitive_writer_schema()
    {
        var aString = await new AvroSerializer<string>(_registry.Client).SerializeAsync("x", new SerializationContext(MessageComponentType.Value, "names"));

        var e = Assert.Throws<AvroSerdeException>(() => AvroSerde.Generic(_registry.Client).Deserialize(aString, "names", 0, 1));

        Assert.Equal(AvroFailure.UnresolvableSchema, e.Failure);
        Assert.Contains("AvroSerde.Any", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that the registry checks a primitive subject's evolution by Avro's promotions (default BACKWARD).</summary>
    [Fact]
    public async Task A_primitive_subject_must_evolve_by_promotion_only()
    {
        await Register("ids-key", "\"int\"");

        await Register("ids-key", "\"long\"");
        var refused = await Assert.ThrowsAsync<Confluent.SchemaRegistry.SchemaRegistryException>(() => Register("ids-key", "\"string\""));

        Assert.Equal(409, (int)refused.Status);
    }

    /// <summary>Verify that a type without a primitive schema is refused when the serde is made.</summary>
    [Fact]
    public void A_type_without_a_primitive_schema_must_be_refused()
    {
        Assert.Throws<ArgumentException>(() => AvroSerde.Primitive<DateTime>(_registry.Client));
    }

    private static byte[] Payload(int id, params byte[] body) => [AvroSerde<object>.MagicByte, (byte)(id >> 24), (byte)(id >> 16), (byte)(id >> 8), (byte)id, .. body];

    private Task<int> Register(string subject, string schema) =>
        _registry.Client.RegisterSchemaAsync(subject, new Confluent.SchemaRegistry.Schema(schema, Confluent.SchemaRegistry.SchemaType.Avro));
}

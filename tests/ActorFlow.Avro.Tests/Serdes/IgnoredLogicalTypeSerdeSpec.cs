using ActorFlow.Avro.Tests.Support;
using Avro;
using Avro.Generic;

namespace ActorFlow.Avro.Tests.Serdes;

/// <summary>
/// A known logical type Java ignores (<c>LogicalTypes.fromSchemaIgnoreInvalid</c>: a <c>date</c> on a <c>long</c>, a
/// <c>decimal</c> with a scale above its precision or more digits than its fixed holds, a <c>uuid</c> on a fixed, a
/// <c>timestamp-millis</c> on an <c>int</c>, a <c>uuid</c> beside <c>avro.java.string</c>) is read and written as its
/// underlying type, as Java reads and writes it. Apache.Avro refused to parse such a schema, so neither a record of it
/// could be written nor one a Java producer wrote be read.
/// </summary>
public sealed class IgnoredLogicalTypeSerdeSpec : IAsyncLifetime
{
    private const string Odd = """
        {"type":"record","name":"Odd","fields":[
          {"name":"day","type":{"type":"long","logicalType":"date"}},
          {"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":2,"scale":4}},
          {"name":"id","type":{"type":"fixed","name":"Id","size":16,"logicalType":"uuid"}},
          {"name":"price","type":{"type":"fixed","name":"Price","size":2,"logicalType":"decimal","precision":10}},
          {"name":"at","type":["null",{"type":"int","logicalType":"timestamp-millis"}]},
          {"name":"code","type":{"type":"string","avro.java.string":"String","logicalType":"uuid"}}
        ]}
        """;

    private RegistryFixture _registry = null!;

    public async Task InitializeAsync() => _registry = await RegistryFixture.StartAsync();

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    /// <summary>Verify that a record of such a schema is written as its underlying values and read back as them, with the writer's schema and with a reader schema.</summary>
    [Fact]
    public void Ignored_logical_types_must_read_and_write_as_their_underlying_types()
    {
        var schema = (RecordSchema)Schema.Parse(Odd);
        var record = new GenericRecord(schema);
        record.Add("day", 20_000L);
        record.Add("amount", new byte[] { 1, 2 });
        record.Add("id", new GenericFixed((FixedSchema)((LogicalSchema)schema["id"].Schema).BaseSchema, [.. Enumerable.Range(0, 16).Select(i => (byte)i)]));
        record.Add("price", new GenericFixed((FixedSchema)((LogicalSchema)schema["price"].Schema).BaseSchema, [0x7F, 0xFF]));
        record.Add("at", 1234);
        record.Add("code", "not a uuid");

        var bytes = AvroSerde.Generic(_registry.Client).Serialize(record, "odd");
        var asWritten = AvroSerde.Generic(_registry.Client).Deserialize(bytes, "odd");
        var asRead = AvroSerde.Generic(_registry.Client, Schema.Parse(Odd)).Deserialize(bytes, "odd");

        foreach (var back in new[] { asWritten, asRead })
        {
            Assert.Equal(20_000L, back["day"]);
            Assert.Equal(new byte[] { 1, 2 }, back["amount"]);
            Assert.Equal(Enumerable.Range(0, 16).Select(i => (byte)i), ((GenericFixed)back["id"]).Value);
            Assert.Equal(new byte[] { 0x7F, 0xFF }, ((GenericFixed)back["price"]).Value);
            Assert.Equal(1234, back["at"]);
            Assert.Equal("not a uuid", back["code"]);
        }

        // The body starts with the long 20000, the 2 bytes, then the fixed's first byte.
        Assert.Equal("C0B80204010200", Convert.ToHexString(bytes, AvroSerde<GenericRecord>.HeaderLength, 7));
    }
}

using ActorFlow.Avro.Tests.Records;
using ActorFlow.Avro.Tests.Support;
using Avro;
using Avro.Generic;

namespace ActorFlow.Avro.Tests.Evolution;

/// <summary>
/// A writer and a reader that differ only in a logical annotation (a <c>long</c> and a <c>timestamp-millis</c> long, a
/// <c>string</c> and a <c>uuid</c> string, <c>bytes</c> or a fixed and a <c>decimal</c> on them), either way, resolve as
/// Apache Avro Java resolves them: on the underlying types (with their promotions), the value then converted by the
/// reader's logical type, if it has one. Apache.Avro's resolver refused every such pair ("Schema mismatch").
/// </summary>
public sealed class LogicalAnnotationSpec : IAsyncLifetime
{
    private static readonly Guid Id = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
    private RegistryFixture _registry = null!;
    private int _topic;

    public async Task InitializeAsync() => _registry = await RegistryFixture.StartAsync();

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    /// <summary>Gets writer and reader field types, the value written and the value read.</summary>
    public static TheoryData<string, string, object, object> Pairs => new()
    {
        { "\"long\"", """{"type":"long","logicalType":"timestamp-millis"}""", 1_500L, DateTime.UnixEpoch.AddMilliseconds(1_500) },
        { """{"type":"long","logicalType":"timestamp-millis"}""", "\"long\"", DateTime.UnixEpoch.AddMilliseconds(1_500), 1_500L },
        { "\"int\"", """{"type":"long","logicalType":"timestamp-micros"}""", 7, DateTime.UnixEpoch.AddTicks(70) },
        { """{"type":"int","logicalType":"date"}""", "\"long\"", new DateTime(1970, 1, 3, 0, 0, 0, DateTimeKind.Utc), 2L },
        { "\"string\"", """{"type":"string","logicalType":"uuid"}""", Id.ToString(), Id },
        { """{"type":"string","logicalType":"uuid"}""", "\"string\"", Id, Id.ToString() },
        { "[\"null\",\"long\"]", """["null",{"type":"long","logicalType":"timestamp-millis"}]""", 1_500L, DateTime.UnixEpoch.AddMilliseconds(1_500) },
        { """["null",{"type":"long","logicalType":"timestamp-millis"}]""", "[\"null\",\"long\"]", DateTime.UnixEpoch.AddMilliseconds(1_500), 1_500L },
        { "\"long\"", """["null",{"type":"long","logicalType":"timestamp-millis"}]""", 1_500L, DateTime.UnixEpoch.AddMilliseconds(1_500) },
    };

    /// <summary>Verify each pair: the value written with the writer's type is read as the reader's.</summary>
    /// <param name="writerType">The writer field's type.</param>
    /// <param name="readerType">The reader field's type.</param>
    /// <param name="written">The value written.</param>
    /// <param name="expected">The value read.</param>
    [Theory]
    [MemberData(nameof(Pairs))]
    public void A_logical_annotation_added_or_removed_must_resolve_on_the_underlying_type(string writerType, string readerType, object written, object expected)
    {
        var back = Evolve(Field(writerType), r => r.Add("v", written), Field(readerType));

        Assert.Equal(expected, back["v"]);
    }

    /// <summary>Verify bytes read as a decimal on bytes, a fixed as a decimal on a fixed of the same name and size, and the reverse of both.</summary>
    [Fact]
    public void A_decimal_annotation_must_resolve_either_way()
    {
        var bytes = Field("\"bytes\"");
        var onBytes = Field("""{"type":"bytes","logicalType":"decimal","precision":5,"scale":2}""");
        Assert.Equal(new AvroDecimal(123.45m), Evolve(bytes, r => r.Add("v", new byte[] { 0x30, 0x39 }), onBytes)["v"]);
        Assert.Equal(new byte[] { 0x30, 0x39 }, Evolve(onBytes, r => r.Add("v", new AvroDecimal(123.45m)), bytes)["v"]);

        var plain = Field("""{"type":"fixed","name":"Amount","size":2}""");
        var annotated = Field("""{"type":"fixed","name":"Amount","size":2,"logicalType":"decimal","precision":4,"scale":1}""");
        var fixedSchema = (FixedSchema)((RecordSchema)plain)["v"].Schema;

        var asDecimal = Evolve(plain, r => r.Add("v", new GenericFixed(fixedSchema, [0x01, 0x00])), annotated);
        var asFixed = Evolve(annotated, r => r.Add("v", new AvroDecimal(25.6m)), plain);

        Assert.Equal(new AvroDecimal(25.6m), asDecimal["v"]);
        Assert.Equal(new byte[] { 0x01, 0x00 }, ((GenericFixed)asFixed["v"]).Value);
    }

    /// <summary>Verify that a generated record with timestamps reads a writer's plain longs as its timestamps.</summary>
    [Fact]
    public void A_generated_record_must_read_plain_longs_as_its_timestamps()
    {
        var writer = (RecordSchema)Schema.Parse("""
            {"type":"record","name":"WallClock","namespace":"ActorFlow.Avro.Tests.Records","fields":[
              {"name":"localMillis","type":"long"},{"name":"localMicros","type":"long"},{"name":"maybeLocal","type":["null","long"]},
              {"name":"instantMillis","type":"long"},{"name":"instantMicros","type":"long"}]}
            """);
        var record = new GenericRecord(writer);
        record.Add("localMillis", 1_000L);
        record.Add("localMicros", 2_000L);
        record.Add("maybeLocal", 3_000L);
        record.Add("instantMillis", 4_000L);
        record.Add("instantMicros", 5_000L);

        var back = AvroSerde.For<WallClock>(_registry.Client).Deserialize(AvroSerde.Generic(_registry.Client).Serialize(record, "clocks"), "clocks");

        Assert.Equal(new DateTime(1970, 1, 1, 0, 0, 1, DateTimeKind.Unspecified), back.localMillis);
        Assert.Equal(new DateTime(1970, 1, 1, 0, 0, 0, 2, DateTimeKind.Unspecified), back.localMicros);
        Assert.Equal(new DateTime(1970, 1, 1, 0, 0, 3, DateTimeKind.Unspecified), back.maybeLocal);
        Assert.Equal(DateTime.UnixEpoch.AddSeconds(4), back.instantMillis);
        Assert.Equal(DateTime.UnixEpoch.AddMilliseconds(5), back.instantMicros);
    }

    private static Schema Field(string type) => Schema.Parse($$"""{"type":"record","name":"R","fields":[{"name":"v","type":{{type}}}]}""");

    private GenericRecord Evolve(Schema writer, Action<GenericRecord> fill, Schema reader)
    {
        var topic = $"t{++_topic}";
        var record = new GenericRecord((RecordSchema)writer);
        fill(record);
        var bytes = AvroSerde.Generic(_registry.Client).Serialize(record, topic);
        return AvroSerde.Generic(_registry.Client, reader).Deserialize(bytes, topic, 0, 0);
    }
}

using System.Text;
using ActorFlow.Avro.Internal;
using ActorFlow.Avro.Tests.Records;
using ActorFlow.Avro.Tests.Support;
using Avro;
using Avro.Generic;
using Avro.IO;

namespace ActorFlow.Avro.Tests.Evolution;

/// <summary>
/// A writer union holding both <c>string</c> and <c>bytes</c> read by a reader of only one of them: each branch resolves
/// to the reader's type (bytes and string promote both ways), as Apache Avro Java's resolving decoder reads it.
/// </summary>
public sealed class StringBytesUnionSpec : IAsyncLifetime
{
    private RegistryFixture _registry = null!;
    private int _topic;

    public async Task InitializeAsync() => _registry = await RegistryFixture.StartAsync();

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    /// <summary>Verify that both branches of a ["string","bytes"] field read as a string field hold strings.</summary>
    [Fact]
    public void Both_branches_must_read_as_string()
    {
        var reader = Record("V", """{"name":"v","type":"string"}""");

        Assert.Equal("text", Evolve(Record("V", """{"name":"v","type":["string","bytes"]}"""), "text", reader)["v"]);
        Assert.Equal("raw", Evolve(Record("V", """{"name":"v","type":["string","bytes"]}"""), "raw"u8.ToArray(), reader)["v"]);
    }

    /// <summary>Verify that both branches of a ["string","bytes"] field read as a bytes field hold UTF-8 bytes.</summary>
    [Fact]
    public void Both_branches_must_read_as_bytes()
    {
        var reader = Record("V", """{"name":"v","type":"bytes"}""");

        Assert.Equal("text"u8.ToArray(), Evolve(Record("V", """{"name":"v","type":["string","bytes"]}"""), "text", reader)["v"]);
        Assert.Equal("raw"u8.ToArray(), Evolve(Record("V", """{"name":"v","type":["string","bytes"]}"""), "raw"u8.ToArray(), reader)["v"]);
    }

    /// <summary>Verify that ["null","string","bytes"] read as ["null","string"] keeps null and reads both other branches as strings.</summary>
    [Fact]
    public void A_nullable_union_must_read_into_the_nullable_string()
    {
        var writer = Record("N", """{"name":"v","type":["null","string","bytes"]}""");
        var reader = Record("N", """{"name":"v","type":["null","string"]}""");

        Assert.Null(Evolve(writer, null, reader)["v"]);
        Assert.Equal("s", Evolve(writer, "s", reader)["v"]);
        Assert.Equal("b", Evolve(writer, "b"u8.ToArray(), reader)["v"]);
    }

    /// <summary>Verify that a generated record reads a field written as the bytes branch of ["string","bytes"] into its string property.</summary>
    [Fact]
    public void A_specific_record_must_read_the_bytes_branch_as_its_string()
    {
        var writer = Schema.Parse("""
            {"type":"record","name":"Address","namespace":"ActorFlow.Avro.Tests.Records","fields":[
              {"name":"street","type":["string","bytes"]},{"name":"zip","type":["null","int"]}]}
            """);
        var topic = $"s{++_topic}";
        var serde = AvroSerde.For<Address>(_registry.Client);

        foreach (object street in new object[] { "Main St", Encoding.UTF8.GetBytes("Main St") })
        {
            var record = new GenericRecord((RecordSchema)writer);
            record.Add("street", street);
            record.Add("zip", 8000);
            var back = serde.Deserialize(AvroSerde.Generic(_registry.Client).Serialize(record, topic), topic, 0, 0);

            Assert.Equal("Main St", back.street);
            Assert.Equal(8000, back.zip);
        }
    }

    /// <summary>Verify that a top-level ["string","bytes"] value resolves to a top-level string or bytes reader through the adapted writer schema.</summary>
    [Theory]
    [InlineData("\"string\"")]
    [InlineData("\"bytes\"")]
    public void A_top_level_union_must_resolve_to_either_reader(string readerJson)
    {
        var writer = Schema.Parse("""["string","bytes"]""");
        var reader = Schema.Parse(readerJson);
        var datumReader = new GenericDatumReader<object>(WriterSchemaAdapter.Adapt(writer, reader), reader);

        foreach (object written in new object[] { "v", "v"u8.ToArray() })
        {
            using var stream = new MemoryStream();
            new GenericDatumWriter<object>(writer).Write(written, new BinaryEncoder(stream));
            stream.Position = 0;
            var back = datumReader.Read(null!, new BinaryDecoder(stream));

            Assert.Equal(reader.Tag == Schema.Type.String ? "v" : "v"u8.ToArray(), back);
        }
    }

    private static Schema Record(string name, params string[] fields) =>
        Schema.Parse($$"""{"type":"record","name":"{{name}}","fields":[{{string.Join(",", fields)}}]}""");

    private GenericRecord Evolve(Schema writer, object? value, Schema reader)
    {
        var topic = $"t{++_topic}";
        var record = new GenericRecord((RecordSchema)writer);
        record.Add("v", value);
        var bytes = AvroSerde.Generic(_registry.Client).Serialize(record, topic);
        return AvroSerde.Generic(_registry.Client, reader).Deserialize(bytes, topic, 0, 0);
    }
}

using ActorFlow.Avro.Tests.Support;
using Avro;
using Avro.Generic;

namespace ActorFlow.Avro.Tests.Evolution;

/// <summary>
/// The default of a reader field the writer lacks is read as Apache Avro Java reads it (its
/// <c>ResolvingGrammarGenerator.encode</c>): a <c>float</c> default given as a JSON integer is that number, a
/// <c>double</c> default is the JSON number's own double (0.1 is 0.1, 10000000000 is 1.0E10), a string default of a
/// <c>double</c> is Java's <c>Double.valueOf</c> of it, also inside a record default. Apache.Avro refused the first
/// (UnresolvableSchema), read the second through a float (0.10000000149011612), threw a raw OverflowException out of
/// Deserialize on the third and refused the fourth.
/// </summary>
public sealed class ReaderDefaultSpec : IAsyncLifetime
{
    private RegistryFixture _registry = null!;
    private int _topic;

    public async Task InitializeAsync() => _registry = await RegistryFixture.StartAsync();

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    /// <summary>Gets an added field's type and default, and the value it must read as.</summary>
    public static TheoryData<string, string, object> Defaults => new()
    {
        { "float", "0", 0f },
        { "float", "3", 3f },
        { "double", "0.1", 0.1 },
        { "double", "10000000000", 1e10 },
        { "double", "-2.5e300", -2.5e300 },
        { "double", "\"NaN\"", double.NaN },
        { "double", "\"-1.5\"", -1.5 },
        { "float", "0.1", 0.1f },
        { "long", "10000000000", 10_000_000_000L },
        { "int", "-7", -7 },
        { "[\"string\",\"null\"]", "null", null! },
        { "[\"int\",\"string\"]", "\"x\"", "x" },
        { "[\"null\",\"long\"]", "5", 5L },
        { "[\"string\",\"double\"]", "5", 5.0 },
    };

    /// <summary>Verify that each added field reads as Java reads its default.</summary>
    /// <param name="type">The added field's type.</param>
    /// <param name="json">Its default, as JSON.</param>
    /// <param name="expected">The value read.</param>
    [Theory]
    [MemberData(nameof(Defaults))]
    public void An_added_field_must_read_its_default_as_Java_does(string type, string json, object expected)
    {
        var back = Evolve(
            Record("""{"name":"a","type":"int"}"""),
            Record("""{"name":"a","type":"int"}""", $$"""{"name":"b","type":{{(type.StartsWith('[') ? type : $"\"{type}\"")}},"default":{{json}}}"""));

        Assert.Equal(1, back["a"]);
        Assert.Equal(expected, back["b"]);
    }

    /// <summary>Verify a default inside a record default, and a record read from the writer whose own added field has such a default.</summary>
    [Fact]
    public void A_default_inside_a_record_must_read_as_Java_does()
    {
        const string Inner = """{"type":"record","name":"Inner","fields":[{"name":"x","type":"double","default":0.1},{"name":"y","type":"float","default":2}]}""";
        var writer = Schema.Parse("""{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"record","name":"Inner","fields":[{"name":"x","type":"double"}]}}]}""");
        var reader = Schema.Parse($$$"""{"type":"record","name":"R","fields":[{"name":"a","type":{{{Inner}}}},{"name":"b","type":"Inner","default":{"x":0.3}}]}""");
        var inner = new GenericRecord((RecordSchema)((RecordSchema)writer)["a"].Schema);
        inner.Add("x", 7.5);

        var back = Evolve(writer, reader, r => r.Add("a", inner));

        var a = (GenericRecord)back["a"];
        var b = (GenericRecord)back["b"];
        Assert.Equal((7.5, 2f), ((double)a["x"], (float)a["y"]));
        Assert.Equal((0.3, 2f), ((double)b["x"], (float)b["y"]));
        Assert.Same(((RecordSchema)reader)["a"].Schema, a.Schema);
    }

    /// <summary>Verify that an exception other than Apache.Avro's while the reader is built is the serde's UnresolvableSchema, not a raw exception of Deserialize.</summary>
    [Fact]
    public void Any_failure_to_build_the_reader_must_be_an_AvroSerdeException()
    {
        var schema = Record("""{"name":"a","type":"int"}""");
        var record = new GenericRecord((RecordSchema)schema);
        record.Add("a", 1);
        var bytes = AvroSerde.Generic(_registry.Client).Serialize(record, "failing");
        var serde = new AvroSerde<GenericRecord>(_registry.Client, AvroSerdeOptions.Default, schema, r => r.Schema, (_, _) => throw new OverflowException("Value was either too large or too small for an Int32."), _ => throw new InvalidOperationException("reads only"));

        var e = Assert.Throws<AvroSerdeException>(() => serde.Deserialize(bytes, "failing", 0, 3));

        Assert.Equal(AvroFailure.UnresolvableSchema, e.Failure);
        Assert.Contains("too large or too small", e.Message, StringComparison.Ordinal);
    }

    private static Schema Record(params string[] fields) =>
        Schema.Parse($$"""{"type":"record","name":"R","fields":[{{string.Join(",", fields)}}]}""");

    private GenericRecord Evolve(Schema writer, Schema reader, Action<GenericRecord>? fill = null)
    {
        var topic = $"t{++_topic}";
        var record = new GenericRecord((RecordSchema)writer);
        (fill ?? (r => r.Add("a", 1)))(record);
        var bytes = AvroSerde.Generic(_registry.Client).Serialize(record, topic);
        return AvroSerde.Generic(_registry.Client, reader).Deserialize(bytes, topic, 0, 0);
    }
}

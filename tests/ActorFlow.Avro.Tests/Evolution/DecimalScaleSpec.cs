using ActorFlow.Avro.Tests.Support;
using Avro;
using Avro.Generic;

namespace ActorFlow.Avro.Tests.Evolution;

/// <summary>
/// A decimal's bytes are an unscaled integer: read at another scale they are another number (12.34 written at scale 2
/// read as 0.1234 at scale 4), and the specification matches two decimals only of equal scale and precision. Such a
/// pair is refused as <see cref="AvroFailure.UnresolvableSchema"/> naming both scales (a dead letter in a job) instead
/// of read as a wrong number without an error; a wider precision at the same scale reads the same number, as in Java.
/// </summary>
public sealed class DecimalScaleSpec : IAsyncLifetime
{
    private RegistryFixture _registry = null!;
    private int _topic;

    public async Task InitializeAsync() => _registry = await RegistryFixture.StartAsync();

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    /// <summary>Verify that a decimal written at scale 2 is refused at scale 4, also inside a union, and read at a wider precision of the same scale.</summary>
    [Fact]
    public void A_decimal_read_at_another_scale_must_be_refused_not_misread()
    {
        var written = Field("""{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}""");

        var e = Assert.Throws<AvroSerdeException>(() => Evolve(written, Field("""{"type":"bytes","logicalType":"decimal","precision":9,"scale":4}""")));
        Assert.Equal(AvroFailure.UnresolvableSchema, e.Failure);
        Assert.Contains("scale 2 (writer) cannot be read as a decimal of scale 4", e.Message, StringComparison.Ordinal);
        var union = Assert.Throws<AvroSerdeException>(() => Evolve(written, Field("""["null",{"type":"bytes","logicalType":"decimal","precision":9,"scale":4}]""")));
        Assert.Equal(AvroFailure.UnresolvableSchema, union.Failure);

        Assert.Equal(new AvroDecimal(12.34m), Evolve(written, Field("""{"type":"bytes","logicalType":"decimal","precision":12,"scale":2}"""))["v"]);
    }

    private static Schema Field(string type) => Schema.Parse($$"""{"type":"record","name":"R","fields":[{"name":"v","type":{{type}}}]}""");

    private GenericRecord Evolve(Schema writer, Schema reader)
    {
        var topic = $"t{++_topic}";
        var record = new GenericRecord((RecordSchema)writer);
        record.Add("v", new AvroDecimal(12.34m));
        var bytes = AvroSerde.Generic(_registry.Client).Serialize(record, topic);
        return AvroSerde.Generic(_registry.Client, reader).Deserialize(bytes, topic, 0, 0);
    }
}

using ActorFlow.Avro.Tests.Records;
using ActorFlow.Avro.Tests.Support;

namespace ActorFlow.Avro.Tests.Serdes;

/// <summary>
/// The schema a serde registers is written as the Avro specification and Java write it: a decimal over a fixed is the
/// fixed with its logical type's attributes (<c>{"type":"fixed",…,"logicalType":"decimal",…}</c>), not Apache.Avro's
/// <c>{"type":{"type":"fixed",…},"logicalType":"decimal"}</c>, which Java's parser refuses, so a Java or Confluent
/// client that fetches the schema by id can read the records.
/// </summary>
public sealed class SpecSchemaTextSpec : IAsyncLifetime
{
    private RegistryFixture _registry = null!;

    public async Task InitializeAsync() => _registry = await RegistryFixture.StartAsync();

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    /// <summary>Verify the registered text of a record with a decimal over a fixed, and that its records still read.</summary>
    [Fact]
    public async Task A_decimal_over_fixed_must_be_registered_in_the_specifications_form()
    {
        var serde = AvroSerde.For<Shapes>(_registry.Client);
        var value = ShapesSamples.Specific();
        var bytes = serde.Serialize(value, "shapes");
        var id = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(1, 4));

        var text = (await _registry.Client.GetSchemaAsync(id)).SchemaString;

        // Java's canonical text of the field (the fixed's namespace is the record's, so it is not repeated).
        Assert.Contains("""{"name":"amount","type":{"type":"fixed","name":"Amount","size":8,"logicalType":"decimal","precision":12,"scale":3}}""", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"type\":{\"type\":{", text, StringComparison.Ordinal);
        Assert.Equal(value.amount, serde.Deserialize(bytes).amount);
    }
}

using ActorFlow.Avro.Tests.Support;

namespace ActorFlow.Avro.Tests.Registry;

/// <summary>
/// Within a subject, Confluent finds a version by equivalence as well as by canonical text
/// (<c>ParsedSchema.canLookup</c>, <c>AvroSchema.equivalent</c>: Java's <c>Schema.equals</c>, in which the order of
/// properties does not count, and aliases compared as sets), so a schema spelled with its properties in another
/// order registers as the existing version and is found by lookup; under another subject it is a new schema.
/// </summary>
public sealed class EquivalentSchemaSpec : RegistryRestSpec
{
    // Both written as Java writes them, so each is its own canonical text.
    private const string First = """{"type":"record","name":"R","fields":[{"name":"a","type":"string","x":1,"y":2}],"k":{"m":1,"n":2},"aliases":["P","Q"]}""";
    private const string Reordered = """{"type":"record","name":"R","fields":[{"name":"a","type":"string","y":2,"x":1}],"k":{"n":2,"m":1},"aliases":["Q","P"]}""";
    /// <summary>
    /// Verify that registering the reordered spelling in the same subject returns the existing version and that the
    /// lookup finds it; under another subject it gets its own id; a different doc is not equivalent.
    /// </summary>
    [Fact]
    public async Task An_equivalent_schema_must_be_the_existing_version_of_its_subject()
    {
        var id = await Rest.Register("s-value", First);

        Assert.Equal(id, await Rest.Register("s-value", Reordered));
        Assert.Equal("[1]", (await Rest.Send(HttpMethod.Get, "/subjects/s-value/versions")).ToJsonString());
        var found = await Rest.Send(HttpMethod.Post, "/subjects/s-value", RegistryRest.Body(Reordered));
        Assert.Equal((id, First), (found["id"]!.GetValue<int>(), found["schema"]!.GetValue<string>()));

        var other = await Rest.Register("t-value", Reordered);
        Assert.NotEqual(id, other);
        Assert.Equal(Reordered, await Rest.SchemaOf(other));
        Assert.NotEqual(id, await Rest.Register("s-value", First.Replace("\"name\":\"R\",", "\"name\":\"R\",\"doc\":\"d\",", StringComparison.Ordinal)));
        Assert.Equal("[1,2]", (await Rest.Send(HttpMethod.Get, "/subjects/s-value/versions")).ToJsonString());
    }
}

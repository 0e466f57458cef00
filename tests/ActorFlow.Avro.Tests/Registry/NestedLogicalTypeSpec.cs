using ActorFlow.Avro.Tests.Support;

namespace ActorFlow.Avro.Tests.Registry;

/// <summary>
/// A schema in Apache.Avro's form of a logical type over a fixed (<c>{"type": {"type": "fixed", …}, "logicalType": …}</c>,
/// what Confluent's .NET serializer registers), which Java's parser refuses, is kept as Java's canonical text of the
/// same schema, the logical type inside the fixed, so that Java clients fetching it by id can parse it.
/// </summary>
public sealed class NestedLogicalTypeSpec : RegistryRestSpec
{
    /// <summary>Verify the text kept, and that the specification's spelling of the schema finds the same id.</summary>
    [Fact]
    public async Task A_nested_logical_type_must_be_kept_in_javas_form()
    {
        var id = await Rest.Register("r-value", """{"type":"record","name":"R","fields":[{"name":"d","type":{"type":{"type":"fixed","name":"D","size":8},"logicalType":"decimal","precision":10,"scale":2}}]}""");

        const string Java = """{"type":"record","name":"R","fields":[{"name":"d","type":{"type":"fixed","name":"D","size":8,"logicalType":"decimal","precision":10,"scale":2}}]}""";
        Assert.Equal(Java, await Rest.SchemaOf(id));
        Assert.Equal(id, await Rest.Register("r-value", Java));
    }
}

using ActorFlow.Avro.Tests.Support;

namespace ActorFlow.Avro.Tests.Registry;

/// <summary>
/// A known logical type on a schema it does not fit (a <c>decimal</c> with a scale above its precision, a <c>date</c> on a
/// <c>long</c>, a <c>uuid</c> on a fixed, a logical type beside a Java class property) is ignored, as Apache Avro Java's
/// parser ignores it (<c>LogicalTypes.fromSchemaIgnoreInvalid</c>): Confluent's registry registers such a schema, keeping
/// its <c>logicalType</c> as a property. Apache.Avro's parser refused it, and the registry answered 422.
/// </summary>
public sealed class IgnoredLogicalTypeSpec : RegistryRestSpec
{
    /// <summary>Gets schemas whose logical type Java ignores.</summary>
    public static TheoryData<string> Schemas => new()
    {
        """{"type":"record","name":"R","fields":[{"name":"v","type":{"type":"bytes","logicalType":"decimal","precision":2,"scale":4}}]}""",
        """{"type":"record","name":"R","fields":[{"name":"v","type":{"type":"bytes","logicalType":"decimal","precision":"9"}}]}""",
        """{"type":"record","name":"R","fields":[{"name":"v","type":{"type":"fixed","name":"F","size":2,"logicalType":"decimal","precision":10}}]}""",
        """{"type":"record","name":"R","fields":[{"name":"v","type":{"type":"long","logicalType":"date"}}]}""",
        """{"type":"record","name":"R","fields":[{"name":"v","type":{"type":"string","logicalType":"time-millis"}}]}""",
        """{"type":"record","name":"R","fields":[{"name":"v","type":{"type":"int","logicalType":"timestamp-micros"}}]}""",
        """{"type":"record","name":"R","fields":[{"name":"v","type":{"type":"fixed","name":"Id","size":16,"logicalType":"uuid"}}]}""",
        """{"type":"record","name":"R","fields":[{"name":"v","type":["null",{"type":"double","logicalType":"local-timestamp-millis"}]}]}""",
    };

    /// <summary>Verify that each schema registers (200), is kept as Java's text of it with its logicalType, and is found again by lookup.</summary>
    /// <param name="schema">The schema.</param>
    [Theory]
    [MemberData(nameof(Schemas))]
    public async Task A_schema_with_a_logical_type_Java_ignores_must_register(string schema)
    {
        var id = await Rest.Register("r-value", schema);

        Assert.Equal(schema, await Rest.SchemaOf(id));
        Assert.Equal(id, (await Rest.Send(HttpMethod.Post, "/subjects/r-value", RegistryRest.Body(schema)))["id"]!.GetValue<int>());
    }

    /// <summary>Verify that a logical type beside a Java class property (a uuid string with avro.java.string) registers, and that the schema without the logical type is compatible with it.</summary>
    [Fact]
    public async Task A_logical_type_beside_a_java_class_property_must_register()
    {
        const string Schema = """{"type":"record","name":"R","fields":[{"name":"v","type":{"type":"string","avro.java.string":"String","logicalType":"date"}}]}""";

        var id = await Rest.Register("r-value", Schema);

        Assert.Equal(Schema, await Rest.SchemaOf(id));
        var check = await Rest.Send(HttpMethod.Post, "/compatibility/subjects/r-value/versions/latest", RegistryRest.Body("""{"type":"record","name":"R","fields":[{"name":"v","type":"string"}]}"""));
        Assert.True(check["is_compatible"]!.GetValue<bool>());
    }
}

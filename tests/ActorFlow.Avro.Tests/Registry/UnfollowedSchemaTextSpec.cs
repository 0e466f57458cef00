using ActorFlow.Avro.Tests.Support;

namespace ActorFlow.Avro.Tests.Registry;

/// <summary>
/// A text that Apache.Avro takes but Avro Java's rules cannot be followed on (here a property repeated, which
/// System.Text.Json refuses) is registered all the same, kept and returned as Apache.Avro's text of it.
/// </summary>
public sealed class UnfollowedSchemaTextSpec : RegistryRestSpec
{
    /// <summary>Verify that the schema registers, twice to the same id, and reads back as Apache.Avro writes it.</summary>
    [Fact]
    public async Task A_schema_Javas_rules_cannot_follow_must_keep_Apache_Avros_text()
    {
        const string Repeated = """{"type":"record","name":"R","fields":[{"name":"a","type":"int"}],"x":1,"x":2}""";

        var id = await Rest.Register("r-value", Repeated);

        Assert.Equal(id, await Rest.Register("s-value", Repeated));
        Assert.Equal(global::Avro.Schema.Parse(Repeated).ToString(), await Rest.SchemaOf(id));
    }
}

using ActorFlow.Avro.Tests.Support;

namespace ActorFlow.Avro.Tests.Registry;

/// <summary>
/// A text that Apache.Avro takes but Avro Java's rules cannot be followed on (here a property repeated, which
/// System.Text.Json refuses) is registered all the same, kept and returned as Apache.Avro's text of it.
/// </summary>
public sealed class UnfollowedSchemaTextSpec : IAsyncLifetime
{
    private RegistryFixture _fixture = null!;
    private RegistryRest _rest = null!;

    public async Task InitializeAsync()
    {
        _fixture = await RegistryFixture.StartAsync();
        _rest = new RegistryRest(_fixture.Registry.Url);
    }

    public async Task DisposeAsync()
    {
        _rest.Dispose();
        await _fixture.DisposeAsync();
    }

    /// <summary>Verify that the schema registers, twice to the same id, and reads back as Apache.Avro writes it.</summary>
    [Fact]
    public async Task A_schema_Javas_rules_cannot_follow_must_keep_Apache_Avros_text()
    {
        const string Repeated = """{"type":"record","name":"R","fields":[{"name":"a","type":"int"}],"x":1,"x":2}""";

        var id = await _rest.Register("r-value", Repeated);

        Assert.Equal(id, await _rest.Register("s-value", Repeated));
        Assert.Equal(global::Avro.Schema.Parse(Repeated).ToString(), await _rest.SchemaOf(id));
    }
}

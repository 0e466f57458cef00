using ActorFlow.Avro.Tests.Support;

namespace ActorFlow.Avro.Tests.Registry;

/// <summary>
/// The <c>normalize</c> setting of <c>/config</c> (global or per subject), as Confluent 7.x keeps it: registration,
/// lookup and compatibility checks normalize when the query or the config in scope says so; the config in scope is
/// the subject's when it has one (either setting), else the global one.
/// </summary>
public sealed class ConfigNormalizeSpec : RegistryRestSpec
{
    private const string Spelled = """{"type":"record","name":"R","fields":[{"name":"a","type":"double","default":0}]}""";
    // Spelled normalized (the default converted to the field's type), as Java writes it.
    private const string Respelled = """{"type":"record","name":"R","fields":[{"name":"a","type":"double","default":0.0}]}""";
    /// <summary>Verify that a global normalize=true is read back and makes registrations normalize without the query parameter.</summary>
    [Fact]
    public async Task A_global_normalize_must_apply_to_every_subject()
    {
        Assert.Equal("""{"normalize":true}""", await Rest.Text(HttpMethod.Put, "/config", """{"normalize":true}"""));
        Assert.Equal("""{"compatibilityLevel":"BACKWARD","normalize":true}""", await Rest.Text(HttpMethod.Get, "/config"));

        Assert.Equal(await Rest.Register("a-value", Spelled), await Rest.Register("b-value", Respelled));
        Assert.Equal("""{"compatibility":"FULL","normalize":true}""", await Rest.Text(HttpMethod.Put, "/config", """{"compatibility":"FULL"}"""));
    }

    /// <summary>
    /// Verify that a subject's normalize applies to that subject only, is read back as set (no level: Confluent 7.9's
    /// getConfig answers only what the subject has), and is removed by DELETE /config/{subject}.
    /// </summary>
    [Fact]
    public async Task A_subject_normalize_must_apply_to_its_subject()
    {
        await Rest.Text(HttpMethod.Put, "/config", """{"compatibility":"NONE"}""");
        Assert.Equal("""{"normalize":true}""", await Rest.Text(HttpMethod.Put, "/config/a-value", """{"normalize":true}"""));
        Assert.Equal("""{"normalize":true}""", await Rest.Text(HttpMethod.Get, "/config/a-value"));

        var id = await Rest.Register("a-value", Spelled);
        Assert.Equal(Respelled, await Rest.SchemaOf(id));
        Assert.NotEqual(id, await Rest.Register("b-value", Spelled));
        Assert.Equal(id, (await Rest.Send(HttpMethod.Post, "/subjects/a-value", RegistryRest.Body(Spelled)))["id"]!.GetValue<int>());

        Assert.Equal("""{"normalize":true}""", await Rest.Text(HttpMethod.Delete, "/config/a-value"));
        Assert.Equal("""{"compatibilityLevel":"NONE"}""", await Rest.Text(HttpMethod.Get, "/config/a-value?defaultToGlobal=true"));
    }

    /// <summary>
    /// Verify that a subject config of normalize alone leaves the subject's compatibility checks at the global level
    /// (here NONE: an incompatible change registers) instead of the registry's default.
    /// </summary>
    [Fact]
    public async Task A_subject_normalize_alone_must_keep_the_global_level()
    {
        await Rest.Text(HttpMethod.Put, "/config", """{"compatibility":"NONE"}""");
        await Rest.Text(HttpMethod.Put, "/config/a-value", """{"normalize":true}""");

        var first = await Rest.Register("a-value", Spelled);
        var incompatible = await Rest.Register("a-value", """{"type":"record","name":"R","fields":[{"name":"b","type":"string"}]}""");

        Assert.NotEqual(first, incompatible);
    }
}

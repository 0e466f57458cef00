using ActorFlow.Avro.Tests.Support;

namespace ActorFlow.Avro.Tests.Registry;

/// <summary>
/// <c>DELETE /config</c> (Confluent 7.3+'s <c>deleteTopLevelConfig</c>) puts the global config back to the registry's
/// default and answers the config as <c>GET /config</c> gave it before. The route was missing (404).
/// </summary>
public sealed class GlobalConfigDeleteSpec : RegistryRestSpec
{
    /// <summary>Verify the answer (the old config), the default after it, and a subject's config left as it was.</summary>
    [Fact]
    public async Task Deleting_the_global_config_must_restore_the_default()
    {
        await Rest.Send(HttpMethod.Put, "/config", """{"compatibility":"FULL","normalize":true}""");
        await Rest.Send(HttpMethod.Put, "/config/s-value", """{"compatibility":"NONE"}""");

        Assert.Equal("""{"compatibilityLevel":"FULL","normalize":true}""", await Rest.Text(HttpMethod.Delete, "/config"));

        Assert.Equal("""{"compatibilityLevel":"BACKWARD"}""", await Rest.Text(HttpMethod.Get, "/config"));
        Assert.Equal("""{"compatibilityLevel":"BACKWARD"}""", await Rest.Text(HttpMethod.Delete, "/config"));
        Assert.Equal("""{"compatibilityLevel":"NONE"}""", await Rest.Text(HttpMethod.Get, "/config/s-value"));
    }
}

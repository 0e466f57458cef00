using System.Net;
using System.Text;
using ActorFlow.Avro.Registry;
using ActorFlow.Avro.Settings;
using ActorFlow.Avro.Tests.Support;
using Akka.Configuration;

namespace ActorFlow.Avro.Tests.Registry;

/// <summary>
/// A registry that needs credentials (Confluent Cloud): <c>actorflow.avro.registry.basic-auth-user-info</c> is sent as
/// HTTP basic authentication with every request, as Confluent's <c>basic.auth.user.info</c>; it is never printed, and a
/// registry that refuses the client fails the start naming the setting.
/// </summary>
public sealed class RegistryCredentialsSpec
{
    /// <summary>Verify that the host's client sends the configured user and password (split at the first colon) to the registry, and that the settings print them masked.</summary>
    [Fact]
    public async Task The_host_must_send_the_configured_credentials()
    {
        using var registry = new FakeHttpRegistry(("/config", HttpStatusCode.OK, """{"compatibilityLevel":"BACKWARD"}"""));
        var settings = AvroSettings.Create(ConfigurationFactory.ParseString($"actorflow.avro.registry {{ url = \"{registry.Url}\", basic-auth-user-info = \"key:se:cret\" }}"));

        await using (var host = await SchemaRegistryHost.StartAsync(settings))
        {
            await host.Client.GetCompatibilityAsync();
        }

        Assert.NotEmpty(registry.Requests);
        Assert.All(registry.Requests, r => Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("key:se:cret")), r.Authorization));
        Assert.DoesNotContain("se:cret", settings.ToString(), StringComparison.Ordinal);
        Assert.Contains("key:***", settings.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Verify that a registry answering 401 fails the start with a message naming the credentials setting, and that without credentials nothing is sent.</summary>
    [Fact]
    public async Task A_refusing_registry_must_fail_the_start_naming_the_credentials_setting()
    {
        using var registry = new FakeHttpRegistry(("/", HttpStatusCode.Unauthorized, """{"error_code":401,"message":"Unauthorized"}"""));
        var settings = AvroSettings.Create(ConfigurationFactory.Empty).WithRegistryUrl(registry.Url);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => SchemaRegistryHost.StartAsync(settings));

        Assert.Contains("basic-auth-user-info (none is set)", e.Message, StringComparison.Ordinal);
        Assert.All(registry.Requests, r => Assert.Equal("", r.Authorization));
    }
}

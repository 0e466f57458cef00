using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorFlow.Avro.Registry;
using ActorFlow.Avro.Settings;
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
        using var registry = new FakeRegistry(HttpStatusCode.OK);
        var settings = AvroSettings.Create(ConfigurationFactory.ParseString($"actorflow.avro.registry {{ url = \"{registry.Url}\", basic-auth-user-info = \"key:se:cret\" }}"));

        await using (var host = await SchemaRegistryHost.StartAsync(settings))
        {
            await host.Client.GetCompatibilityAsync();
        }

        Assert.NotEmpty(registry.Authorizations);
        Assert.All(registry.Authorizations, a => Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("key:se:cret")), a));
        Assert.DoesNotContain("se:cret", settings.ToString(), StringComparison.Ordinal);
        Assert.Contains("key:***", settings.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Verify that a registry answering 401 fails the start with a message naming the credentials setting, and that without credentials nothing is sent.</summary>
    [Fact]
    public async Task A_refusing_registry_must_fail_the_start_naming_the_credentials_setting()
    {
        using var registry = new FakeRegistry(HttpStatusCode.Unauthorized);
        var settings = AvroSettings.Create(ConfigurationFactory.Empty).WithRegistryUrl(registry.Url);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => SchemaRegistryHost.StartAsync(settings));

        Assert.Contains("basic-auth-user-info (none is set)", e.Message, StringComparison.Ordinal);
        Assert.All(registry.Authorizations, a => Assert.Equal("", a));
    }

    /// <summary>An HTTP server on 127.0.0.1 that answers every request with <c>{"compatibilityLevel":"BACKWARD"}</c> and the given status, noting each request's Authorization header.</summary>
    private sealed class FakeRegistry : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _serving;

        public FakeRegistry(HttpStatusCode status)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Url = $"http://127.0.0.1:{port}";
            _listener.Prefixes.Add(Url + "/");
            _listener.Start();
            _serving = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext context;
                    try
                    {
                        context = await _listener.GetContextAsync();
                    }
                    catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                    {
                        return;
                    }

                    lock (Authorizations)
                    {
                        Authorizations.Add(context.Request.Headers["Authorization"] ?? "");
                    }

                    var body = Encoding.UTF8.GetBytes(status == HttpStatusCode.OK ? """{"compatibilityLevel":"BACKWARD"}""" : """{"error_code":401,"message":"Unauthorized"}""");
                    context.Response.StatusCode = (int)status;
                    context.Response.ContentType = "application/vnd.schemaregistry.v1+json";
                    await context.Response.OutputStream.WriteAsync(body);
                    context.Response.Close();
                }
            });
        }

        public string Url { get; }

        public List<string> Authorizations { get; } = [];

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
            _serving.Wait(TimeSpan.FromSeconds(10));
        }
    }
}

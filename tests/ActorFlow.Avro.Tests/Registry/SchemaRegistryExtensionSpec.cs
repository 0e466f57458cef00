using ActorFlow.Avro.Registry;
using ActorFlow.Avro.Registry.Store;
using ActorFlow.Tests.Shared;
using Akka.Actor;
using Akka.Configuration;
using Confluent.SchemaRegistry;

namespace ActorFlow.Avro.Tests.Registry;

/// <summary>
/// The registry of a job host: started with the actor system's first use when no URL is configured, its schemas in the
/// job's state store (so ids survive a restart of the host), stopped with the actor system; an external one by URL.
/// </summary>
public sealed class SchemaRegistryExtensionSpec : IDisposable
{
    private const string Schema = """{"type":"record","name":"Tx","fields":[{"name":"id","type":"string"}]}""";
    private readonly TempDirectory _data = new("actorflow-registry-extension");

    /// <summary>Verify that the host's embedded registry keeps its schemas next to the state and stops with the actor system.</summary>
    [Fact]
    public async Task The_embedded_registry_must_live_in_the_state_store_and_stop_with_the_host()
    {
        int id;
        string url;
        var first = Host();
        try
        {
            var registry = SchemaRegistryExtension.Get(first);
            Assert.Same(registry, SchemaRegistryExtension.Get(first));
            Assert.NotNull(registry.Embedded);
            url = registry.Url;
            id = await registry.Client.RegisterSchemaAsync("tx-value", new Schema(Schema, SchemaType.Avro));
            Assert.True(File.Exists(Path.Combine(_data.Path, "schema-registry.db")));
        }
        finally
        {
            await first.Terminate();
        }

        using var http = new HttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(new Uri(url + "/subjects")));

        var second = Host();
        try
        {
            var registry = SchemaRegistryExtension.Get(second);
            Assert.Equal(id, await registry.Client.GetSchemaIdAsync("tx-value", new Schema(Schema, SchemaType.Avro)));
        }
        finally
        {
            await second.Terminate();
        }
    }

    /// <summary>Verify that a configured URL is used instead of an embedded registry, and one that does not answer fails naming it.</summary>
    [Fact]
    public async Task A_configured_registry_must_be_used_and_checked()
    {
        await using var external = await EmbeddedSchemaRegistry.StartAsync(new EmbeddedSchemaRegistryOptions
        {
            Store = () => SqlSchemaStore.Sqlite($"Data Source={Path.Combine(_data.Path, "external.db")}"),
        });
        var system = Host($"actorflow.avro.registry.url = \"{external.Url}\"");
        try
        {
            var registry = SchemaRegistryExtension.Get(system);
            Assert.Null(registry.Embedded);
            Assert.Equal(external.Url, registry.Url);
        }
        finally
        {
            await system.Terminate();
        }

        var down = Host("actorflow.avro.registry.url = \"http://127.0.0.1:9\"\nactorflow.avro.registry.request-timeout = 2s");
        try
        {
            var e = Assert.ThrowsAny<Exception>(() => SchemaRegistryExtension.Get(down));
            Assert.Contains("http://127.0.0.1:9", e.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            await down.Terminate();
        }
    }

    public void Dispose()
    {
        ActorFlow.Persistence.Sql.SqliteConnections.ClearAllPools();
        _data.Dispose();
    }

    private ActorSystem Host(string extra = "") => ActorSystem.Create(
        "registry-host",
        ConfigurationFactory.ParseString($"actorflow.persistence.state-store.data-directory = \"{_data.Path}\"\n{extra}"));
}

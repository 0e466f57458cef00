using ActorFlow.Avro.Registry;
using ActorFlow.Avro.Registry.Store;
using ActorFlow.Tests.Shared;
using Confluent.SchemaRegistry;

namespace ActorFlow.Avro.Tests.Support;

/// <summary>An embedded registry on an ephemeral port with its SQLite store in a temp directory, and a client of it; all removed on dispose.</summary>
public sealed class RegistryFixture : IAsyncDisposable
{
    private readonly TempDirectory _dir;

    private RegistryFixture(TempDirectory dir, EmbeddedSchemaRegistry registry)
    {
        _dir = dir;
        Registry = registry;
        // The default request timeout of SchemaRegistries.Connect (30 s): a shorter one turned a request slowed by a
        // loaded machine into RegistryUnavailable. No spec of the fixture's client tests timeouts.
        Client = SchemaRegistries.Connect(registry.Url);
    }

    /// <summary>Gets the registry.</summary>
    public EmbeddedSchemaRegistry Registry { get; private set; }

    /// <summary>Gets a Confluent client of the registry.</summary>
    public ISchemaRegistryClient Client { get; }

    /// <summary>Gets the SQLite database file.</summary>
    public string DatabasePath => Path.Combine(_dir.Path, "registry.db");

    /// <summary>Starts a registry.</summary>
    public static async Task<RegistryFixture> StartAsync()
    {
        var dir = new TempDirectory("actorflow-registry");
        var db = Path.Combine(dir.Path, "registry.db");
        var registry = await EmbeddedSchemaRegistry.StartAsync(new EmbeddedSchemaRegistryOptions { Store = () => SqlSchemaStore.Sqlite($"Data Source={db}") });
        return new RegistryFixture(dir, registry);
    }

    /// <summary>Stops the registry (its URL stops answering); the store stays.</summary>
    public async Task StopAsync() => await Registry.DisposeAsync();

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Registry.DisposeAsync();
        _dir.Dispose();
    }
}

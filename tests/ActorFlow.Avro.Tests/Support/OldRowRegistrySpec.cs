using ActorFlow.Avro.Registry;
using ActorFlow.Avro.Registry.Store;
using ActorFlow.Tests.Shared;

namespace ActorFlow.Avro.Tests.Support;

/// <summary>
/// A spec whose registry starts on a store an earlier build wrote: <paramref name="oldText"/> stored as it was sent, as
/// id 1 and version 1 of subject <c>old-value</c> (one registry and store per test, disposed after it).
/// </summary>
public abstract class OldRowRegistrySpec(string oldText) : IAsyncLifetime
{
    private readonly TempDirectory _dir = new("actorflow-registry");
    private EmbeddedSchemaRegistry _registry = null!;

    /// <summary>Gets the HTTP client of the registry.</summary>
    protected RegistryRest Rest { get; private set; } = null!;

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        var database = $"Data Source={Path.Combine(_dir.Path, "registry.db")}";
        await using (var store = SqlSchemaStore.Sqlite(database))
        {
            await store.InitializeAsync();
            var id = await store.GetOrAddSchemaAsync(oldText, SchemaIdentity.Of(oldText, global::Avro.Schema.Parse(oldText)));
            await store.AddVersionAsync("old-value", 1, id);
        }

        _registry = await EmbeddedSchemaRegistry.StartAsync(new EmbeddedSchemaRegistryOptions { Store = () => SqlSchemaStore.Sqlite(database) });
        Rest = new RegistryRest(_registry.Url);
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        Rest.Dispose();
        await _registry.DisposeAsync();
        _dir.Dispose();
    }
}

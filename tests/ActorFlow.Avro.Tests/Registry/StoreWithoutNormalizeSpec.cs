using ActorFlow.Avro.Registry;
using ActorFlow.Avro.Registry.Store;
using ActorFlow.Avro.Tests.Support;
using ActorFlow.Tests.Shared;

namespace ActorFlow.Avro.Tests.Registry;

/// <summary>
/// A schema store written before the normalize setting existed (it implements none of its members) still serves the
/// registry: deleting a subject or its config, which remove a normalize setting along with the rest, succeed; only
/// setting normalize fails, naming the store.
/// </summary>
public sealed class StoreWithoutNormalizeSpec : IAsyncLifetime
{
    private readonly TempDirectory _dir = new("actorflow-registry");
    private EmbeddedSchemaRegistry _registry = null!;
    private RegistryRest _rest = null!;

    public async Task InitializeAsync()
    {
        var database = $"Data Source={Path.Combine(_dir.Path, "registry.db")}";
        _registry = await EmbeddedSchemaRegistry.StartAsync(new EmbeddedSchemaRegistryOptions { Store = () => new OlderStore(SqlSchemaStore.Sqlite(database)) });
        _rest = new RegistryRest(_registry.Url);
    }

    public async Task DisposeAsync()
    {
        _rest.Dispose();
        await _registry.DisposeAsync();
        _dir.Dispose();
    }

    /// <summary>Verify that the deletions succeed and that setting normalize is refused.</summary>
    [Fact]
    public async Task Deletions_must_succeed_and_only_setting_normalize_must_fail()
    {
        await _rest.Register("s-value", "\"string\"");
        await _rest.Text(HttpMethod.Put, "/config/s-value", """{"compatibility":"NONE"}""");

        Assert.Equal("""{"compatibilityLevel":"NONE"}""", await _rest.Text(HttpMethod.Delete, "/config/s-value"));
        Assert.Equal("[1]", await _rest.Text(HttpMethod.Delete, "/subjects/s-value"));
        Assert.Equal("[1]", await _rest.Text(HttpMethod.Delete, "/subjects/s-value?permanent=true"));
        var (status, _, message) = await _rest.Fail(HttpMethod.Put, "/config", """{"normalize":true}""");
        Assert.Equal(500, status);
        Assert.Contains("OlderStore keeps no normalize setting", message, StringComparison.Ordinal);
    }

    /// <summary>A store as written before the normalize setting: every member but those two, passed to a SQL store.</summary>
    private sealed class OlderStore(ISchemaStore inner) : ISchemaStore
    {
        public Task InitializeAsync(CancellationToken cancellationToken = default) => inner.InitializeAsync(cancellationToken);

        public Task<int> GetOrAddSchemaAsync(string schema, string canonical, CancellationToken cancellationToken = default) => inner.GetOrAddSchemaAsync(schema, canonical, cancellationToken);

        public Task<int?> FindSchemaIdAsync(string canonical, CancellationToken cancellationToken = default) => inner.FindSchemaIdAsync(canonical, cancellationToken);

        public Task<string?> GetSchemaAsync(int id, CancellationToken cancellationToken = default) => inner.GetSchemaAsync(id, cancellationToken);

        public Task<IReadOnlyList<SubjectVersion>> GetVersionsAsync(string? subject, CancellationToken cancellationToken = default) => inner.GetVersionsAsync(subject, cancellationToken);

        public Task<IReadOnlyList<SubjectVersion>> GetVersionsOfSchemaAsync(int schemaId, CancellationToken cancellationToken = default) => inner.GetVersionsOfSchemaAsync(schemaId, cancellationToken);

        public Task AddVersionAsync(string subject, int version, int schemaId, CancellationToken cancellationToken = default) => inner.AddVersionAsync(subject, version, schemaId, cancellationToken);

        public Task SetDeletedAsync(string subject, int version, bool deleted, CancellationToken cancellationToken = default) => inner.SetDeletedAsync(subject, version, deleted, cancellationToken);

        public Task RemoveVersionAsync(string subject, int version, CancellationToken cancellationToken = default) => inner.RemoveVersionAsync(subject, version, cancellationToken);

        public Task<string?> GetCompatibilityAsync(string? subject, CancellationToken cancellationToken = default) => inner.GetCompatibilityAsync(subject, cancellationToken);

        public Task SetCompatibilityAsync(string? subject, string? level, CancellationToken cancellationToken = default) => inner.SetCompatibilityAsync(subject, level, cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}

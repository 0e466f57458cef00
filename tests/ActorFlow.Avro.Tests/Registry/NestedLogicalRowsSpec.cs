using ActorFlow.Avro.Registry;
using ActorFlow.Avro.Registry.Store;
using ActorFlow.Avro.Tests.Support;
using ActorFlow.Tests.Shared;

namespace ActorFlow.Avro.Tests.Registry;

/// <summary>
/// Rows stored by earlier builds in Apache.Avro's nested form of a decimal over a fixed (what ActorFlow's serdes and
/// Confluent's .NET serializer sent), which Java's parser refuses, read as Java's canonical text and keep their ids:
/// the same schema registered or looked up again, in either form, finds the old row instead of a new version.
/// </summary>
public sealed class NestedLogicalRowsSpec : IAsyncLifetime
{
    private const string Nested = """{"type":"record","name":"R","namespace":"n","fields":[{"name":"d","type":{"type":{"type":"fixed","name":"D","namespace":"n","size":8,"precision":10,"scale":2},"logicalType":"decimal","precision":10,"scale":2}}]}""";
    private const string Java = """{"type":"record","name":"R","namespace":"n","fields":[{"name":"d","type":{"type":"fixed","name":"D","size":8,"logicalType":"decimal","precision":10,"scale":2}}]}""";
    private readonly TempDirectory _dir = new("actorflow-registry");
    private EmbeddedSchemaRegistry _registry = null!;
    private RegistryRest _rest = null!;

    public async Task InitializeAsync()
    {
        var database = $"Data Source={Path.Combine(_dir.Path, "registry.db")}";
        await using (var store = SqlSchemaStore.Sqlite(database))
        {
            await store.InitializeAsync();
            var id = await store.GetOrAddSchemaAsync(Nested, SchemaIdentity.Of(Nested, global::Avro.Schema.Parse(Nested)));
            await store.AddVersionAsync("old-value", 1, id);
        }

        _registry = await EmbeddedSchemaRegistry.StartAsync(new EmbeddedSchemaRegistryOptions { Store = () => SqlSchemaStore.Sqlite(database) });
        _rest = new RegistryRest(_registry.Url);
    }

    public async Task DisposeAsync()
    {
        _rest.Dispose();
        await _registry.DisposeAsync();
        _dir.Dispose();
    }

    /// <summary>Verify the old row's text and that both forms find it.</summary>
    [Fact]
    public async Task An_old_nested_row_must_read_as_javas_text_and_keep_its_id()
    {
        Assert.Equal(Java, await _rest.SchemaOf(1));

        Assert.Equal(1, await _rest.Register("old-value", Java));
        Assert.Equal(1, await _rest.Register("old-value", Nested));
        Assert.Equal(1, (await _rest.Send(HttpMethod.Post, "/subjects/old-value", RegistryRest.Body(Java)))["id"]!.GetValue<int>());
        Assert.Equal("[1]", (await _rest.Send(HttpMethod.Get, "/subjects/old-value/versions")).ToJsonString());
    }
}

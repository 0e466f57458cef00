using ActorFlow.Avro.Registry;
using ActorFlow.Avro.Registry.Store;
using ActorFlow.Avro.Tests.Support;
using ActorFlow.Tests.Shared;

namespace ActorFlow.Avro.Tests.Registry;

/// <summary>
/// Rows written before the registry kept canonical texts (the text as sent, keyed by <see cref="SchemaIdentity"/>'s
/// text) read as the canonical text and keep their ids: registering or looking up the schema again, in either spelling,
/// finds the old row.
/// </summary>
public sealed class PreCanonicalRowsSpec : IAsyncLifetime
{
    private const string AsSent = """
        { "name" : "Tx", "type" : "record", "namespace" : "shop",
          "fields" : [ { "type" : "string", "order" : "descending", "name" : "id", "doc" : "key" } ] }
        """;

    private const string Canonical = """{"type":"record","name":"Tx","namespace":"shop","fields":[{"name":"id","type":"string","doc":"key","order":"descending"}]}""";
    private readonly TempDirectory _dir = new("actorflow-registry");
    private EmbeddedSchemaRegistry _registry = null!;
    private RegistryRest _rest = null!;

    public async Task InitializeAsync()
    {
        var database = $"Data Source={Path.Combine(_dir.Path, "registry.db")}";
        await using (var store = SqlSchemaStore.Sqlite(database))
        {
            await store.InitializeAsync();
            var id = await store.GetOrAddSchemaAsync(AsSent, SchemaIdentity.Of(AsSent, global::Avro.Schema.Parse(AsSent)));
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

    /// <summary>
    /// Verify that an old row reads as the canonical text on the id and version routes, and keeps its id when
    /// registered or looked up again, as sent or as canonical text; another schema gets the next id.
    /// </summary>
    [Fact]
    public async Task An_old_row_must_read_as_the_canonical_text_and_keep_its_id()
    {
        Assert.Equal(Canonical, await _rest.SchemaOf(1));
        Assert.Equal(Canonical, (await _rest.Send(HttpMethod.Get, "/subjects/old-value/versions/1"))["schema"]!.GetValue<string>());
        Assert.Equal(Canonical, await _rest.Text(HttpMethod.Get, "/schemas/ids/1/schema"));

        var lookedUp = await _rest.Send(HttpMethod.Post, "/subjects/old-value", RegistryRest.Body(Canonical));
        Assert.Equal((1, 1), (lookedUp["id"]!.GetValue<int>(), lookedUp["version"]!.GetValue<int>()));
        Assert.Equal(1, await _rest.Register("old-value", AsSent));
        Assert.Equal(1, await _rest.Register("new-value", Canonical));
        Assert.Equal(1, await _rest.Register("newer-value", AsSent));
        Assert.Equal("[1]", (await _rest.Send(HttpMethod.Get, "/subjects/old-value/versions")).ToJsonString());
        Assert.Equal(2, await _rest.Register("other-value", Canonical.Replace("descending", "ignore", StringComparison.Ordinal)));
    }
}

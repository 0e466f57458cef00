using ActorFlow.Avro.Registry;
using ActorFlow.Avro.Registry.Store;
using ActorFlow.Tests.Shared;
using Confluent.SchemaRegistry;

namespace ActorFlow.Avro.Tests.Registry;

/// <summary>
/// Which schemas share an id: as in Confluent's registry (the MD5 of <c>AvroSchema.canonicalString()</c>, Apache Avro
/// Java's <c>Schema.toString()</c>), a field's non-ascending <c>order</c> is part of the schema, an explicit
/// <c>"order":"ascending"</c> is not.
/// </summary>
public sealed class SchemaIdentitySpec : IAsyncLifetime
{
    private const string Ascending = """{"type":"record","name":"K","fields":[{"name":"k","type":"string"}]}""";
    private const string Descending = """{"type":"record","name":"K","fields":[{"name":"k","type":"string","order":"descending"}]}""";
    private readonly TempDirectory _dir = new("actorflow-registry");
    private EmbeddedSchemaRegistry _registry = null!;
    private ISchemaRegistryClient _client = null!;

    private string Database => $"Data Source={Path.Combine(_dir.Path, "registry.db")}";

    public async Task InitializeAsync() => await StartAsync();

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _registry.DisposeAsync();
        _dir.Dispose();
    }

    /// <summary>Verify that two schemas differing only in a field's order get different ids, and each is looked up as itself.</summary>
    [Fact]
    public async Task A_field_order_must_be_part_of_the_identity()
    {
        var ascending = await _client.RegisterSchemaAsync("a-value", new Schema(Ascending, SchemaType.Avro));
        var descending = await _client.RegisterSchemaAsync("b-value", new Schema(Descending, SchemaType.Avro));
        var ignore = await _client.RegisterSchemaAsync("c-value", new Schema(Descending.Replace("descending", "ignore", StringComparison.Ordinal), SchemaType.Avro));

        Assert.Equal(3, new[] { ascending, descending, ignore }.Distinct().Count());
        Assert.Equal(descending, (await _client.LookupSchemaAsync("b-value", new Schema(Descending, SchemaType.Avro), false, false)).Id);
        await Assert.ThrowsAsync<SchemaRegistryException>(() => _client.LookupSchemaAsync("b-value", new Schema(Ascending, SchemaType.Avro), false, false));
    }

    /// <summary>Verify that an explicit ascending order is the default order: the same schema, the same id.</summary>
    [Fact]
    public async Task An_explicit_ascending_order_must_not_change_the_identity()
    {
        var plain = await _client.RegisterSchemaAsync("a-value", new Schema(Ascending, SchemaType.Avro));
        var spelled = await _client.RegisterSchemaAsync("b-value", new Schema(Descending.Replace("descending", "ascending", StringComparison.Ordinal), SchemaType.Avro));

        Assert.Equal(plain, spelled);
    }

    /// <summary>
    /// Verify that a schema with a descending field stored by an earlier version (keyed by Apache.Avro's text, which
    /// drops the order) keeps its id when registered or looked up again.
    /// </summary>
    [Fact]
    public async Task A_row_stored_before_order_counted_must_keep_its_id()
    {
        await _registry.DisposeAsync();
        _client.Dispose();
        await using (var store = SqlSchemaStore.Sqlite(Database))
        {
            await store.InitializeAsync();
            var old = await store.GetOrAddSchemaAsync(Descending, global::Avro.Schema.Parse(Descending).ToString());
            await store.AddVersionAsync("old-value", 1, old);
        }

        await StartAsync();

        Assert.Equal(1, (await _client.LookupSchemaAsync("old-value", new Schema(Descending, SchemaType.Avro), false, false)).Id);
        Assert.Equal(1, await _client.RegisterSchemaAsync("new-value", new Schema(Descending, SchemaType.Avro)));
    }

    private async Task StartAsync()
    {
        _registry = await EmbeddedSchemaRegistry.StartAsync(new EmbeddedSchemaRegistryOptions { Store = () => SqlSchemaStore.Sqlite(Database) });
        _client = SchemaRegistries.Connect(_registry.Url, TimeSpan.FromSeconds(5));
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ActorFlow.Avro.Registry;
using ActorFlow.Avro.Registry.Store;
using ActorFlow.Tests.Shared;
using Confluent.SchemaRegistry;

namespace ActorFlow.Avro.Tests.Registry;

/// <summary>
/// The embedded registry's REST API as a plain HTTP client sees it (Confluent's routes, bodies and error codes), run
/// against each store: <see cref="SqliteRegistrySpec"/> and <see cref="PostgresRegistrySpec"/>.
/// </summary>
public abstract class EmbeddedSchemaRegistrySpec : IAsyncLifetime
{
    private const string V1 = """{"type":"record","name":"Tx","fields":[{"name":"id","type":"string"}]}""";
    private const string V2 = """{"type":"record","name":"Tx","fields":[{"name":"id","type":"string"},{"name":"amount","type":"double","default":0}]}""";
    private const string Breaking = """{"type":"record","name":"Tx","fields":[{"name":"id","type":"string"},{"name":"amount","type":"double"}]}""";
    private EmbeddedSchemaRegistry _registry = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _registry = await EmbeddedSchemaRegistry.StartAsync(new EmbeddedSchemaRegistryOptions { Store = CreateStore });
        _http = new HttpClient { BaseAddress = new Uri(_registry.Url) };
    }

    public virtual async Task DisposeAsync()
    {
        _http.Dispose();
        await _registry.DisposeAsync();
    }

    /// <summary>Creates the store under test (the same database on every call).</summary>
    protected abstract ISchemaStore CreateStore();

    /// <summary>Verify that registering gives ids shared across subjects, versions per subject, and that both read back.</summary>
    [Fact]
    public async Task Registering_must_give_shared_ids_and_per_subject_versions()
    {
        var id1 = (await Send(HttpMethod.Post, "/subjects/a-value/versions", Body(V1)))["id"]!.GetValue<int>();
        var again = (await Send(HttpMethod.Post, "/subjects/a-value/versions", Body(V1)))["id"]!.GetValue<int>();
        var other = (await Send(HttpMethod.Post, "/subjects/b-value/versions", Body(V1)))["id"]!.GetValue<int>();
        var id2 = (await Send(HttpMethod.Post, "/subjects/a-value/versions", Body(V2)))["id"]!.GetValue<int>();

        Assert.Equal(id1, again);
        Assert.Equal(id1, other);
        Assert.NotEqual(id1, id2);
        Assert.Equal("[1,2]", (await Send(HttpMethod.Get, "/subjects/a-value/versions")).ToJsonString());
        Assert.Equal("""["a-value","b-value"]""", (await Send(HttpMethod.Get, "/subjects")).ToJsonString());
        var latest = await Send(HttpMethod.Get, "/subjects/a-value/versions/latest");
        Assert.Equal((2, id2, "a-value"), (latest["version"]!.GetValue<int>(), latest["id"]!.GetValue<int>(), latest["subject"]!.GetValue<string>()));
        Assert.Equal(V2, (await Send(HttpMethod.Get, $"/schemas/ids/{id2}"))["schema"]!.GetValue<string>());
        var lookedUp = await Send(HttpMethod.Post, "/subjects/a-value", Body(V1));
        Assert.Equal((1, id1), (lookedUp["version"]!.GetValue<int>(), lookedUp["id"]!.GetValue<int>()));
        Assert.Equal("""[{"subject":"a-value","version":1},{"subject":"b-value","version":1}]""", (await Send(HttpMethod.Get, $"/schemas/ids/{id1}/versions")).ToJsonString());
    }

    /// <summary>Verify Confluent's 404 and 422 error codes for unknown subjects, versions and ids, invalid schemas and versions.</summary>
    [Fact]
    public async Task Errors_must_use_Confluent_codes()
    {
        await Send(HttpMethod.Post, "/subjects/a-value/versions", Body(V1));

        await AssertError(HttpMethod.Get, "/subjects/nope/versions", null, 404, 40401);
        await AssertError(HttpMethod.Get, "/subjects/a-value/versions/9", null, 404, 40402);
        await AssertError(HttpMethod.Get, "/schemas/ids/999", null, 404, 40403);
        await AssertError(HttpMethod.Post, "/subjects/a-value", Body("""{"type":"record","name":"Other","fields":[]}"""), 404, 40403);
        await AssertError(HttpMethod.Post, "/subjects/a-value/versions", Body("""{"type":"recurd"}"""), 422, 42201);
        await AssertError(HttpMethod.Post, "/subjects/a-value/versions", """{"schema":"{}","schemaType":"PROTOBUF"}""", 422, 42201);
        await AssertError(HttpMethod.Get, "/subjects/a-value/versions/abc", null, 422, 42202);
        await AssertError(HttpMethod.Put, "/config", """{"compatibility":"SIDEWAYS"}""", 422, 42203);
        await AssertError(HttpMethod.Get, "/config/a-value", null, 404, 40408);
    }

    /// <summary>Verify global and per-subject config: defaults, updates, defaultToGlobal and removal.</summary>
    [Fact]
    public async Task Config_must_be_global_and_per_subject()
    {
        Assert.Equal("BACKWARD", (await Send(HttpMethod.Get, "/config"))["compatibilityLevel"]!.GetValue<string>());
        Assert.Equal("FULL", (await Send(HttpMethod.Put, "/config", """{"compatibility":"FULL"}"""))["compatibility"]!.GetValue<string>());
        Assert.Equal("FULL", (await Send(HttpMethod.Get, "/config"))["compatibilityLevel"]!.GetValue<string>());
        Assert.Equal("FULL", (await Send(HttpMethod.Get, "/config/s?defaultToGlobal=true"))["compatibilityLevel"]!.GetValue<string>());

        await Send(HttpMethod.Put, "/config/s", """{"compatibility":"none"}""");

        Assert.Equal("NONE", (await Send(HttpMethod.Get, "/config/s"))["compatibilityLevel"]!.GetValue<string>());
        Assert.Equal("NONE", (await Send(HttpMethod.Delete, "/config/s"))["compatibilityLevel"]!.GetValue<string>());
        await AssertError(HttpMethod.Get, "/config/s", null, 404, 40408);
        await AssertError(HttpMethod.Delete, "/config/s", null, 404, 40401); // nothing left to delete: Confluent's "subject not found"
    }

    /// <summary>Verify that an incompatible registration is refused with 409 naming the field and the rule, and /compatibility says why.</summary>
    [Fact]
    public async Task An_incompatible_schema_must_be_refused_with_409()
    {
        await Send(HttpMethod.Post, "/subjects/t-value/versions", Body(V1));

        var error = await AssertError(HttpMethod.Post, "/subjects/t-value/versions", Body(Breaking), 409, 409);
        var check = await Send(HttpMethod.Post, "/compatibility/subjects/t-value/versions/latest?verbose=true", Body(Breaking));
        var ok = await Send(HttpMethod.Post, "/compatibility/subjects/t-value/versions/1", Body(V2));

        Assert.Contains("amount", error, StringComparison.Ordinal);
        Assert.Contains("READER_FIELD_MISSING_DEFAULT_VALUE", error, StringComparison.Ordinal);
        Assert.False(check["is_compatible"]!.GetValue<bool>());
        Assert.Contains("amount", check["messages"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(ok["is_compatible"]!.GetValue<bool>());
        Assert.Equal("[1]", (await Send(HttpMethod.Get, "/subjects/t-value/versions")).ToJsonString());
    }

    /// <summary>Verify soft deletion hides versions, permanent deletion needs a soft one first, and deleted versions no longer constrain compatibility.</summary>
    [Fact]
    public async Task Deletes_must_be_soft_then_permanent()
    {
        await Send(HttpMethod.Post, "/subjects/d-value/versions", Body(V1));
        await Send(HttpMethod.Post, "/subjects/d-value/versions", Body(V2));

        await AssertError(HttpMethod.Delete, "/subjects/d-value/versions/1?permanent=true", null, 404, 40407);
        Assert.Equal(1, (await Send(HttpMethod.Delete, "/subjects/d-value/versions/1")).GetValue<int>());
        Assert.Equal("[2]", (await Send(HttpMethod.Get, "/subjects/d-value/versions")).ToJsonString());
        Assert.Equal("[1,2]", (await Send(HttpMethod.Get, "/subjects/d-value/versions?deleted=true")).ToJsonString());
        Assert.Equal(1, (await Send(HttpMethod.Delete, "/subjects/d-value/versions/1?permanent=true")).GetValue<int>());
        Assert.Equal("[2]", (await Send(HttpMethod.Get, "/subjects/d-value/versions?deleted=true")).ToJsonString());

        await AssertError(HttpMethod.Delete, "/subjects/d-value?permanent=true", null, 404, 40405);
        Assert.Equal("[2]", (await Send(HttpMethod.Delete, "/subjects/d-value")).ToJsonString());
        await AssertError(HttpMethod.Get, "/subjects/d-value/versions", null, 404, 40401);
        Assert.Equal("[]", (await Send(HttpMethod.Get, "/subjects")).ToJsonString());
        Assert.Equal("""["d-value"]""", (await Send(HttpMethod.Get, "/subjects?deleted=true")).ToJsonString());

        // With every version deleted, an otherwise incompatible schema registers, numbered after the old versions.
        Assert.Equal(3, (await Send(HttpMethod.Post, "/subjects/d-value/versions", Body(Breaking)))["version"]!.GetValue<int>());
        await Send(HttpMethod.Delete, "/subjects/d-value");
        Assert.Equal("[2,3]", (await Send(HttpMethod.Delete, "/subjects/d-value?permanent=true")).ToJsonString());
    }

    /// <summary>Verify that schemas outlive the registry process: a new registry on the same store serves them.</summary>
    [Fact]
    public async Task Schemas_must_survive_a_restart()
    {
        var id = (await Send(HttpMethod.Post, "/subjects/p-value/versions", Body(V1)))["id"]!.GetValue<int>();
        await Send(HttpMethod.Put, "/config/p-value", """{"compatibility":"FORWARD"}""");

        await _registry.DisposeAsync();
        _http.Dispose();
        _registry = await EmbeddedSchemaRegistry.StartAsync(new EmbeddedSchemaRegistryOptions { Store = CreateStore });
        _http = new HttpClient { BaseAddress = new Uri(_registry.Url) };

        Assert.Equal(V1, (await Send(HttpMethod.Get, $"/schemas/ids/{id}"))["schema"]!.GetValue<string>());
        Assert.Equal("FORWARD", (await Send(HttpMethod.Get, "/config/p-value"))["compatibilityLevel"]!.GetValue<string>());
    }

    /// <summary>Verify that Confluent's client calls work unchanged: register, compatibility, config and subject listing.</summary>
    [Fact]
    public async Task Confluent_client_calls_must_work_unchanged()
    {
        using var client = SchemaRegistries.Connect(_registry.Url);

        var id = await client.RegisterSchemaAsync("c-value", new Schema(V1, SchemaType.Avro));
        Assert.True(await client.IsCompatibleAsync("c-value", new Schema(V2, SchemaType.Avro)));
        Assert.False(await client.IsCompatibleAsync("c-value", new Schema(Breaking, SchemaType.Avro)));
        var refused = await Assert.ThrowsAsync<SchemaRegistryException>(() => client.RegisterSchemaAsync("c-value", new Schema(Breaking, SchemaType.Avro)));
        Assert.Equal((HttpStatusCode.Conflict, 409), (refused.Status, refused.ErrorCode));
        Assert.Equal(Confluent.SchemaRegistry.Compatibility.Backward, await client.GetCompatibilityAsync());
        await client.UpdateCompatibilityAsync(Confluent.SchemaRegistry.Compatibility.None, "c-value");
        Assert.Equal(Confluent.SchemaRegistry.Compatibility.None, await client.GetCompatibilityAsync("c-value"));
        Assert.Equal(2, (await client.RegisterSchemaWithResponseAsync("c-value", new Schema(Breaking, SchemaType.Avro), false)).Version);
        Assert.Equal(["c-value"], await client.GetAllSubjectsAsync());
        Assert.Equal([1, 2], await client.GetSubjectVersionsAsync("c-value"));
        Assert.Equal(V1, (await client.GetSchemaAsync(id)).SchemaString);
        Assert.Equal(id, (await client.LookupSchemaAsync("c-value", new Schema(V1, SchemaType.Avro), true, false)).Id);
    }

    /// <summary>
    /// Verify that a subject is the fully decoded path segment, as Confluent's registry reads it: "a/b" sent as
    /// <c>a%2Fb</c> is the subject "a/b", distinct from "a%2Fb" sent as <c>a%252Fb</c> (Kestrel leaves %2F encoded, and
    /// both were stored as "a%2Fb"; found by @kafkajs/confluent-schema-registry, which escapes subjects with encodeURIComponent).
    /// </summary>
    [Fact]
    public async Task A_subject_with_an_encoded_slash_must_be_decoded()
    {
        var slash = (await Send(HttpMethod.Post, "/subjects/a%2Fb/versions", Body(V1)))["id"]!.GetValue<int>();
        var literal = (await Send(HttpMethod.Post, "/subjects/a%252Fb/versions", Body(V2)))["id"]!.GetValue<int>();
        await Send(HttpMethod.Put, "/config/a%2Fb", """{"compatibility":"NONE"}""");

        var subjects = (await Send(HttpMethod.Get, "/subjects")).AsArray().Select(s => s!.GetValue<string>()).Order(StringComparer.Ordinal);
        Assert.Equal(["a%2Fb", "a/b"], subjects);
        var latest = await Send(HttpMethod.Get, "/subjects/a%2Fb/versions/latest");
        Assert.Equal(("a/b", slash), (latest["subject"]!.GetValue<string>(), latest["id"]!.GetValue<int>()));
        Assert.Equal(literal, (await Send(HttpMethod.Get, "/subjects/a%252Fb/versions/1"))["id"]!.GetValue<int>());
        Assert.Equal("NONE", (await Send(HttpMethod.Get, "/config/a%2Fb"))["compatibilityLevel"]!.GetValue<string>());
        Assert.Equal("""[{"subject":"a/b","version":1}]""", (await Send(HttpMethod.Get, $"/schemas/ids/{slash}/versions")).ToJsonString());
    }

    private static string Body(string schema) => JsonSerializer.Serialize(new { schema });

    private async Task<JsonNode> Send(HttpMethod method, string path, string? body = null)
    {
        using var response = await Request(method, path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {text}");
        Assert.Equal("application/vnd.schemaregistry.v1+json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(text)!;
    }

    private async Task<string> AssertError(HttpMethod method, string path, string? body, int status, int errorCode)
    {
        using var response = await Request(method, path, body);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True(status == (int)response.StatusCode, $"{method} {path}: {(int)response.StatusCode} {error.ToJsonString()}");
        Assert.Equal(errorCode, error["error_code"]!.GetValue<int>());
        return error["message"]!.GetValue<string>();
    }

    private Task<HttpResponseMessage> Request(HttpMethod method, string path, string? body)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/vnd.schemaregistry.v1+json");
        }

        return _http.SendAsync(request);
    }
}

/// <summary>The registry on SQLite (a file in a temp directory).</summary>
public sealed class SqliteRegistrySpec : EmbeddedSchemaRegistrySpec
{
    private readonly TempDirectory _dir = new("actorflow-registry");

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _dir.Dispose();
    }

    protected override ISchemaStore CreateStore() => SqlSchemaStore.Sqlite($"Data Source={Path.Combine(_dir.Path, "registry.db")}");
}

/// <summary>The registry on PostgreSQL (a database of the shared throw-away server).</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresRegistrySpec(LocalPostgres postgres) : EmbeddedSchemaRegistrySpec
{
    private readonly string _connectionString = postgres.CreateDatabase("registry");

    protected override ISchemaStore CreateStore() => SqlSchemaStore.PostgreSql(_connectionString);
}

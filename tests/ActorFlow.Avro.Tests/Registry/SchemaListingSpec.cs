using System.Text.Json.Nodes;
using ActorFlow.Avro.Tests.Support;

namespace ActorFlow.Avro.Tests.Registry;

/// <summary>
/// <c>GET /schemas</c> lists subject versions with their canonical schemas by subject then version, as Confluent 7.x:
/// <c>subjectPrefix</c>, <c>deleted</c>, <c>latestOnly</c>, <c>offset</c>, <c>limit</c>.
/// </summary>
public sealed class SchemaListingSpec : IAsyncLifetime
{
    private const string V1 = """{"type":"record","name":"Tx","fields":[{"name":"id","type":"string"}]}""";
    private const string V2 = """{"type":"record","name":"Tx","fields":[{"name":"id","type":"string"},{"name":"n","type":"int","default":0}]}""";
    private RegistryFixture _fixture = null!;
    private RegistryRest _rest = null!;

    public async Task InitializeAsync()
    {
        _fixture = await RegistryFixture.StartAsync();
        _rest = new RegistryRest(_fixture.Registry.Url);
        await _rest.Register("b-value", V1);
        await _rest.Register("b-value", V2);
        await _rest.Register("a-value", V2);
        await _rest.Register("c-key", V1);
        await _rest.Send(HttpMethod.Delete, "/subjects/b-value/versions/2");
    }

    public async Task DisposeAsync()
    {
        _rest.Dispose();
        await _fixture.DisposeAsync();
    }

    /// <summary>Verify each query parameter's effect on the listing.</summary>
    [Fact]
    public async Task The_listing_must_follow_the_query()
    {
        Assert.Equal(["a-value/1/2", "b-value/1/1", "c-key/1/1"], await List(""));
        Assert.Equal(["a-value/1/2", "b-value/1/1", "b-value/2/2", "c-key/1/1"], await List("?deleted=true"));
        Assert.Equal(["a-value/1/2", "b-value/2/2", "c-key/1/1"], await List("?deleted=true&latestOnly=true"));
        Assert.Equal(["a-value/1/2"], await List("?subjectPrefix=a"));
        Assert.Equal(["b-value/1/1", "b-value/2/2"], await List("?subjectPrefix=b-&deleted=true"));
        Assert.Equal(["b-value/1/1", "c-key/1/1"], await List("?offset=1&limit=5"));
        Assert.Equal(["b-value/1/1"], await List("?offset=1&limit=1"));
        var first = (await _rest.Send(HttpMethod.Get, "/schemas"))[0]!;
        Assert.Equal(
            new JsonObject { ["subject"] = "a-value", ["version"] = 1, ["id"] = 2, ["guid"] = RegistryRest.GuidOf(V2).ToString(), ["schema"] = V2 }.ToJsonString(),
            first.ToJsonString());
    }

    private async Task<List<string>> List(string query) =>
        [.. (await _rest.Send(HttpMethod.Get, "/schemas" + query)).AsArray()
            .Select(s => $"{s!["subject"]}/{s["version"]}/{s["id"]}")];
}

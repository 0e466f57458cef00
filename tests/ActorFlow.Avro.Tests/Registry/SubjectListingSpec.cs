using ActorFlow.Avro.Tests.Support;

namespace ActorFlow.Avro.Tests.Registry;

/// <summary>
/// <c>GET /subjects</c> and <c>GET /subjects/{subject}/versions</c> take Confluent's query parameters: a subject is
/// deleted when every version of it is soft-deleted; <c>subjectPrefix</c>, <c>deleted</c>, <c>deletedOnly</c>,
/// <c>deletedAsNegative</c>, <c>offset</c> and <c>limit</c>; subjects sorted by name.
/// </summary>
public sealed class SubjectListingSpec : IAsyncLifetime
{
    private const string V1 = """{"type":"record","name":"Tx","fields":[{"name":"id","type":"string"}]}""";
    private const string V2 = """{"type":"record","name":"Tx","fields":[{"name":"id","type":"string"},{"name":"n","type":"int","default":0}]}""";
    private const string V3 = """{"type":"record","name":"Tx","fields":[{"name":"id","type":"string"},{"name":"n","type":"int","default":0},{"name":"m","type":"int","default":0}]}""";
    private RegistryFixture _fixture = null!;
    private RegistryRest _rest = null!;

    public async Task InitializeAsync()
    {
        _fixture = await RegistryFixture.StartAsync();
        _rest = new RegistryRest(_fixture.Registry.Url);
        await _rest.Register("orders-value", V1);
        await _rest.Register("orders-value", V2);
        await _rest.Register("orders-value", V3);
        await _rest.Send(HttpMethod.Delete, "/subjects/orders-value/versions/2");
        await _rest.Register("gone-value", V1);
        await _rest.Send(HttpMethod.Delete, "/subjects/gone-value");
        await _rest.Register("alerts-value", V1);
        await _rest.Register("orders-key", V1);
    }

    public async Task DisposeAsync()
    {
        _rest.Dispose();
        await _fixture.DisposeAsync();
    }

    /// <summary>Verify each query parameter's effect on the list of subjects.</summary>
    [Fact]
    public async Task The_subjects_must_follow_the_query()
    {
        Assert.Equal("""["alerts-value","orders-key","orders-value"]""", await List("/subjects"));
        Assert.Equal("""["alerts-value","gone-value","orders-key","orders-value"]""", await List("/subjects?deleted=true"));
        Assert.Equal("""["gone-value"]""", await List("/subjects?deletedOnly=true"));
        Assert.Equal("""["gone-value"]""", await List("/subjects?deleted=true&deletedOnly=true"));
        Assert.Equal("""["orders-key","orders-value"]""", await List("/subjects?subjectPrefix=orders"));
        Assert.Equal("""["orders-key"]""", await List("/subjects?offset=1&limit=1"));
        Assert.Equal("""["orders-value"]""", await List("/subjects?offset=2&limit=-1"));
    }

    /// <summary>Verify each query parameter's effect on the list of a subject's versions, and a subject with none listed.</summary>
    [Fact]
    public async Task The_versions_must_follow_the_query()
    {
        Assert.Equal("[1,3]", await List("/subjects/orders-value/versions"));
        Assert.Equal("[1,2,3]", await List("/subjects/orders-value/versions?deleted=true"));
        Assert.Equal("[2]", await List("/subjects/orders-value/versions?deletedOnly=true"));
        Assert.Equal("[1,-2,3]", await List("/subjects/orders-value/versions?deletedAsNegative=true"));
        Assert.Equal("[2,3]", await List("/subjects/orders-value/versions?deleted=true&offset=1"));
        Assert.Equal("[1]", await List("/subjects/orders-value/versions?limit=1"));
        Assert.Equal("[-1]", await List("/subjects/gone-value/versions?deleted=true&deletedAsNegative=true"));

        // A subject whose versions are all soft-deleted exists only for deleted or deletedOnly (Confluent's hasSubjects).
        Assert.Equal(40401, (await _rest.Fail(HttpMethod.Get, "/subjects/gone-value/versions", "")).ErrorCode);
        Assert.Equal(40401, (await _rest.Fail(HttpMethod.Get, "/subjects/gone-value/versions?deletedAsNegative=true", "")).ErrorCode);
    }

    /// <summary>Verify that the contexts are Confluent's default one, the only one this registry has.</summary>
    [Fact]
    public async Task The_contexts_must_be_the_default_one()
    {
        Assert.Equal("""["."]""", await List("/contexts"));
        Assert.Equal("[]", await List("/contexts?contextPrefix=.prod"));
        Assert.Equal("[]", await List("/contexts?offset=1"));
    }

    private async Task<string> List(string path) => (await _rest.Send(HttpMethod.Get, path)).ToJsonString();
}

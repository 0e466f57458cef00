using ActorFlow.Avro.Tests.Support;

namespace ActorFlow.Avro.Tests.Registry;

/// <summary>
/// Rows written before the registry kept canonical texts (the text as sent, keyed by <see cref="SchemaIdentity"/>'s
/// text) read as the canonical text and keep their ids: registering or looking up the schema again, in either spelling,
/// finds the old row.
/// </summary>
public sealed class PreCanonicalRowsSpec() : OldRowRegistrySpec(AsSent)
{
    private const string AsSent = """
        { "name" : "Tx", "type" : "record", "namespace" : "shop",
          "fields" : [ { "type" : "string", "order" : "descending", "name" : "id", "doc" : "key" } ] }
        """;

    private const string Canonical = """{"type":"record","name":"Tx","namespace":"shop","fields":[{"name":"id","type":"string","doc":"key","order":"descending"}]}""";

    /// <summary>
    /// Verify that an old row reads as the canonical text on the id and version routes, and keeps its id when
    /// registered or looked up again, as sent or as canonical text; another schema gets the next id.
    /// </summary>
    [Fact]
    public async Task An_old_row_must_read_as_the_canonical_text_and_keep_its_id()
    {
        Assert.Equal(Canonical, await Rest.SchemaOf(1));
        Assert.Equal(Canonical, (await Rest.Send(HttpMethod.Get, "/subjects/old-value/versions/1"))["schema"]!.GetValue<string>());
        Assert.Equal(Canonical, await Rest.Text(HttpMethod.Get, "/schemas/ids/1/schema"));

        var lookedUp = await Rest.Send(HttpMethod.Post, "/subjects/old-value", RegistryRest.Body(Canonical));
        Assert.Equal((1, 1), (lookedUp["id"]!.GetValue<int>(), lookedUp["version"]!.GetValue<int>()));
        Assert.Equal(1, await Rest.Register("old-value", AsSent));
        Assert.Equal(1, await Rest.Register("new-value", Canonical));
        Assert.Equal(1, await Rest.Register("newer-value", AsSent));
        Assert.Equal("[1]", (await Rest.Send(HttpMethod.Get, "/subjects/old-value/versions")).ToJsonString());
        Assert.Equal(2, await Rest.Register("other-value", Canonical.Replace("descending", "ignore", StringComparison.Ordinal)));
    }
}

using ActorFlow.Avro.Tests.Support;

namespace ActorFlow.Avro.Tests.Registry;

/// <summary>
/// "latest" (and -1) is the latest version that is not soft-deleted, on every route, with or without
/// <c>deleted=true</c>, as Confluent's <c>getLatestVersion</c> takes it: the version GET, its raw schema, the
/// compatibility check and the delete. The registry took the highest version, soft-deleted or not.
/// </summary>
public sealed class LatestVersionSpec : RegistryRestSpec
{
    private const string V1 = """{"type":"record","name":"Tx","fields":[{"name":"id","type":"string"}]}""";
    private const string V2 = """{"type":"record","name":"Tx","fields":[{"name":"id","type":"string"},{"name":"amount","type":"double","default":0.0}]}""";
    private const string NeedsV2 = """{"type":"record","name":"Tx","fields":[{"name":"id","type":"string"},{"name":"amount","type":"double"}]}""";

    /// <summary>Verify that with version 2 soft-deleted, latest is version 1 everywhere, and that with every version soft-deleted it is none.</summary>
    [Fact]
    public async Task Latest_must_skip_soft_deleted_versions()
    {
        var id1 = await Rest.Register("l-value", V1);
        await Rest.Register("l-value", V2);
        await Rest.Send(HttpMethod.Delete, "/subjects/l-value/versions/2");

        foreach (var path in new[] { "/subjects/l-value/versions/latest", "/subjects/l-value/versions/-1", "/subjects/l-value/versions/latest?deleted=true" })
        {
            var latest = await Rest.Send(HttpMethod.Get, path);
            Assert.Equal((1, id1), (latest["version"]!.GetValue<int>(), latest["id"]!.GetValue<int>()));
        }

        Assert.Equal(V1, await Rest.Text(HttpMethod.Get, "/subjects/l-value/versions/latest/schema"));
        var check = await Rest.Send(HttpMethod.Post, "/compatibility/subjects/l-value/versions/latest", RegistryRest.Body(NeedsV2));
        Assert.False(check["is_compatible"]!.GetValue<bool>()); // against version 1, which has no amount to read
        var permanent = await Rest.Fail(HttpMethod.Delete, "/subjects/l-value/versions/latest?permanent=true", "");
        Assert.Equal((404, 40407, "Subject 'l-value' Version 1 was not deleted first before being permanently deleted"), permanent);

        await Rest.Send(HttpMethod.Delete, "/subjects/l-value/versions/latest");

        Assert.Equal((404, 40401), Code(await Rest.Fail(HttpMethod.Get, "/subjects/l-value/versions/latest", "")));
        Assert.Equal((404, 40402, "Version -1 not found."), await Rest.Fail(HttpMethod.Get, "/subjects/l-value/versions/latest?deleted=true", ""));
        Assert.Equal((404, 40402, "Version -1 not found."), await Rest.Fail(HttpMethod.Delete, "/subjects/l-value/versions/latest?permanent=true", ""));
        Assert.Equal("[1,2]", (await Rest.Send(HttpMethod.Get, "/subjects/l-value/versions?deleted=true")).ToJsonString());
    }

    private static (int Status, int Code) Code((int Status, int ErrorCode, string Message) error) => (error.Status, error.ErrorCode);
}

using ActorFlow.Avro.Tests.Support;

namespace ActorFlow.Avro.Tests.Registry;

/// <summary>
/// Registering a schema again after its version was soft-deleted gives a new version and removes the soft-deleted one
/// of the same id for good, as Confluent's <c>register</c> does ("tombstone previous version with the same id"): the
/// id is listed once under the subject. The registry kept the old version beside the new one.
/// </summary>
public sealed class ReRegisterAfterSoftDeleteSpec : RegistryRestSpec
{
    private const string V1 = """{"type":"record","name":"Tx","fields":[{"name":"id","type":"string"}]}""";
    private const string V2 = """{"type":"record","name":"Tx","fields":[{"name":"id","type":"string"},{"name":"amount","type":"double","default":0.0}]}""";

    /// <summary>Verify the new version, the old one gone (also with deleted=true), and the other soft-deleted version kept.</summary>
    [Fact]
    public async Task A_soft_deleted_version_of_the_same_id_must_go_when_it_is_registered_again()
    {
        var id1 = await Rest.Register("r-value", V1);
        await Rest.Register("r-value", V2);
        await Rest.Register("r-value", """{"type":"record","name":"Tx","fields":[{"name":"id","type":"string"},{"name":"n","type":"int","default":0}]}""");
        await Rest.Send(HttpMethod.Delete, "/subjects/r-value/versions/1");
        await Rest.Send(HttpMethod.Delete, "/subjects/r-value/versions/2");

        var again = await Rest.Send(HttpMethod.Post, "/subjects/r-value/versions", RegistryRest.Body(V1));

        Assert.Equal((id1, 4), (again["id"]!.GetValue<int>(), again["version"]!.GetValue<int>()));
        Assert.Equal("[2,3,4]", (await Rest.Send(HttpMethod.Get, "/subjects/r-value/versions?deleted=true")).ToJsonString());
        Assert.Equal("""[{"subject":"r-value","version":4}]""", (await Rest.Send(HttpMethod.Get, $"/schemas/ids/{id1}/versions?deleted=true")).ToJsonString());
        Assert.Equal((404, 40402), Code(await Rest.Fail(HttpMethod.Get, "/subjects/r-value/versions/1?deleted=true", "")));
    }

    private static (int Status, int Code) Code((int Status, int ErrorCode, string Message) error) => (error.Status, error.ErrorCode);
}

using ActorFlow.Avro.Tests.Support;

namespace ActorFlow.Avro.Tests.Registry;

/// <summary>
/// Deleting one version, as Confluent 7.9's <c>deleteSchemaVersion</c>: a soft delete of a version soft-deleted already
/// answers 404 40406 (the registry answered 40402, or 40401 when no version was left live), a numbered version the
/// subject lacks is 40402 even when every version is soft-deleted, and the permanent delete of the subject's last
/// version removes the subject's config, which a soft delete or the permanent delete of another version keeps (7.9.3 and
/// later; the registry kept it).
/// </summary>
public sealed class VersionDeleteSpec : RegistryRestSpec
{
    private const string V1 = """{"type":"record","name":"Tx","fields":[{"name":"id","type":"string"}]}""";
    private const string V2 = """{"type":"record","name":"Tx","fields":[{"name":"id","type":"string"},{"name":"amount","type":"double","default":0.0}]}""";

    /// <summary>Verify 40406 for a second soft delete, by number, with its Confluent message.</summary>
    [Fact]
    public async Task A_soft_delete_of_a_soft_deleted_version_must_be_40406()
    {
        await Rest.Register("d-value", V1);
        await Rest.Register("d-value", V2);
        await Rest.Send(HttpMethod.Delete, "/subjects/d-value/versions/1");
        await Rest.Send(HttpMethod.Delete, "/subjects/d-value/versions/2");

        Assert.Equal(
            (404, 40406, "Subject 'd-value' Version 1 was soft deleted.Set permanent=true to delete permanently"),
            await Rest.Fail(HttpMethod.Delete, "/subjects/d-value/versions/1", ""));
        Assert.Equal((404, 40402, "Version 3 not found."), await Rest.Fail(HttpMethod.Delete, "/subjects/d-value/versions/3", ""));
        Assert.Equal((404, 40401), Code(await Rest.Fail(HttpMethod.Delete, "/subjects/other-value/versions/1", "")));
        Assert.Equal(2, (await Rest.Send(HttpMethod.Delete, "/subjects/d-value/versions/2?permanent=true")).GetValue<int>());
    }

    /// <summary>Verify that the subject's config outlives soft deletes and the permanent delete of version 1, and goes with that of version 2, the last.</summary>
    [Fact]
    public async Task The_permanent_delete_of_the_last_version_must_remove_the_subject_config()
    {
        await Rest.Register("c-value", V1);
        await Rest.Register("c-value", V2);
        await Rest.Send(HttpMethod.Put, "/config/c-value", """{"compatibility":"FULL","normalize":true}""");

        await Rest.Send(HttpMethod.Delete, "/subjects/c-value/versions/1");
        await Rest.Send(HttpMethod.Delete, "/subjects/c-value/versions/2");
        await Rest.Send(HttpMethod.Delete, "/subjects/c-value/versions/1?permanent=true");

        Assert.Equal("""{"compatibilityLevel":"FULL","normalize":true}""", await Rest.Text(HttpMethod.Get, "/config/c-value"));

        await Rest.Send(HttpMethod.Delete, "/subjects/c-value/versions/2?permanent=true");

        Assert.Equal((404, 40408), Code(await Rest.Fail(HttpMethod.Get, "/config/c-value", "")));
    }

    private static (int Status, int Code) Code((int Status, int ErrorCode, string Message) error) => (error.Status, error.ErrorCode);
}

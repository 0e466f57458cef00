using ActorFlow.Avro.Tests.Support;

namespace ActorFlow.Avro.Tests.Registry;

/// <summary>
/// <c>POST /compatibility/subjects/{s}/versions/latest</c> on a subject without a live version (unknown, or every version
/// soft-deleted) checks against nothing and answers <c>{"is_compatible":true}</c>, as Confluent's
/// <c>testCompatibilityBySubjectName</c> does; a numbered version the subject has not live is 40402, also for an unknown
/// subject; the schema is still checked (42201). The registry answered 40401.
/// </summary>
public sealed class EmptySubjectCompatibilitySpec : RegistryRestSpec
{
    private const string V1 = """{"type":"record","name":"Tx","fields":[{"name":"id","type":"string"}]}""";

    /// <summary>Verify the answers for an unknown subject, then for one whose only version is soft-deleted.</summary>
    [Fact]
    public async Task Latest_of_a_subject_without_live_versions_must_be_compatible()
    {
        foreach (var prepare in new Func<Task>[] { () => Task.CompletedTask, async () => { await Rest.Register("e-value", V1); await Rest.Send(HttpMethod.Delete, "/subjects/e-value/versions/1"); } })
        {
            await prepare();

            Assert.Equal("""{"is_compatible":true}""", await Rest.Text(HttpMethod.Post, "/compatibility/subjects/e-value/versions/latest", RegistryRest.Body(V1)));
            Assert.Equal("""{"is_compatible":true,"messages":[]}""", await Rest.Text(HttpMethod.Post, "/compatibility/subjects/e-value/versions/latest?verbose=true", RegistryRest.Body(V1)));
            Assert.Equal((404, 40402, "Version 1 not found."), await Rest.Fail(HttpMethod.Post, "/compatibility/subjects/e-value/versions/1", RegistryRest.Body(V1)));
            var invalid = await Rest.Fail(HttpMethod.Post, "/compatibility/subjects/e-value/versions/latest", RegistryRest.Body("""{"type":"recurd"}"""));
            Assert.Equal((422, 42201), (invalid.Status, invalid.ErrorCode));
        }
    }
}

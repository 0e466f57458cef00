using ActorFlow.Avro.Tests.Support;

namespace ActorFlow.Avro.Tests.Registry;

/// <summary>
/// Request members of an unexpected JSON kind get Confluent's answers, never a 500: scalars are taken as Jackson binds
/// them to Confluent's <c>String</c> and <c>Boolean</c> fields (a number or boolean as its text, <c>"true"</c> as true),
/// so a number that names no level is an invalid level (42203), a number as the schema an invalid schema (42201), and
/// an object or array where a scalar belongs a malformed request (400).
/// </summary>
public sealed class RequestValueKindsSpec : RegistryRestSpec
{
    /// <summary>Verify the answers to config updates with members of other kinds.</summary>
    [Fact]
    public async Task Config_members_of_other_kinds_must_get_confluents_answers()
    {
        Assert.Equal("""{"normalize":true}""", await Rest.Text(HttpMethod.Put, "/config/s", """{"normalize":"true"}"""));
        Assert.Equal("""{"normalize":false}""", await Rest.Text(HttpMethod.Put, "/config/s", """{"normalize":0}"""));
        Assert.Equal((422, 42203), Code(await Rest.Fail(HttpMethod.Put, "/config", """{"compatibility":5}""")));
        Assert.Equal((400, 400), Code(await Rest.Fail(HttpMethod.Put, "/config", """{"normalize":[true]}""")));
        Assert.Equal((400, 400), Code(await Rest.Fail(HttpMethod.Put, "/config", """{"normalize":"maybe"}""")));
    }

    /// <summary>Verify the answers to registrations with members of other kinds.</summary>
    [Fact]
    public async Task Schema_members_of_other_kinds_must_get_confluents_answers()
    {
        Assert.Equal((422, 42201), Code(await Rest.Fail(HttpMethod.Post, "/subjects/s/versions", """{"schema":5}""")));
        Assert.Equal((422, 42201), Code(await Rest.Fail(HttpMethod.Post, "/subjects/s/versions", """{"schema":{"type":"string"}}""")));
        Assert.Equal((422, 42201), Code(await Rest.Fail(HttpMethod.Post, "/subjects/s/versions", """{"schema":"\"string\"","schemaType":3}""")));
        Assert.Equal((400, 400), Code(await Rest.Fail(HttpMethod.Post, "/subjects/s/versions", """{"schema":"\"string\"","schemaType":["AVRO"]}""")));
    }

    private static (int, int) Code((int Status, int ErrorCode, string Message) error) => (error.Status, error.ErrorCode);
}

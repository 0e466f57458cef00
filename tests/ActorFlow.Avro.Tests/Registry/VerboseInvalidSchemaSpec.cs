using System.Text.Json.Nodes;
using ActorFlow.Avro.Tests.Support;

namespace ActorFlow.Avro.Tests.Registry;

/// <summary>
/// A compatibility check of an invalid schema with <c>verbose=true</c> answers <c>{"is_compatible":false,"messages":[…]}</c>
/// with the parse error, as Confluent's <c>CompatibilityResource</c> does (it catches the invalid schema when verbose);
/// without verbose it stays 42201. The registry answered 42201 either way.
/// </summary>
public sealed class VerboseInvalidSchemaSpec : RegistryRestSpec
{
    private const string V1 = """{"type":"record","name":"Tx","fields":[{"name":"id","type":"string"}]}""";
    private const string Invalid = """{"type":"record","name":"Tx","fields":[{"name":"id","type":"strung"}]}""";

    /// <summary>Verify both compatibility routes, verbose and not, for a subject with a version.</summary>
    [Fact]
    public async Task An_invalid_schema_checked_verbosely_must_be_incompatible_with_its_parse_error()
    {
        await Rest.Register("v-value", V1);

        foreach (var path in new[] { "/compatibility/subjects/v-value/versions/latest", "/compatibility/subjects/v-value/versions/1", "/compatibility/subjects/v-value/versions" })
        {
            var plain = await Rest.Fail(HttpMethod.Post, path, RegistryRest.Body(Invalid));
            Assert.Equal((422, 42201), (plain.Status, plain.ErrorCode));

            var verbose = JsonNode.Parse(await Rest.Text(HttpMethod.Post, path + "?verbose=true", RegistryRest.Body(Invalid)))!;
            Assert.False(verbose["is_compatible"]!.GetValue<bool>());
            var message = Assert.Single(verbose["messages"]!.AsArray())!.GetValue<string>();
            Assert.Contains("strung", message, StringComparison.Ordinal);
        }

        // A valid schema checked verbosely is unchanged.
        Assert.Equal("""{"is_compatible":true,"messages":[]}""", await Rest.Text(HttpMethod.Post, "/compatibility/subjects/v-value/versions/latest?verbose=true", RegistryRest.Body(V1)));
    }
}

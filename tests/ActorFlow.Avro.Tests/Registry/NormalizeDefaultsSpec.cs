using System.Text;
using ActorFlow.Avro.Tests.Support;

namespace ActorFlow.Avro.Tests.Registry;

/// <summary>
/// With <c>normalize=true</c> (the query's or the config's) a new schema is parsed as Confluent parses it then, Java's
/// parser validating defaults (<c>AvroSchemaProvider</c>: <c>(validateDefaults || normalize) &amp;&amp; isNew</c>): a
/// field default that is not a value of its type is 42201 on registration and on the compatibility routes, not on lookup,
/// and without normalize it registers. The registry registered it with normalize too.
/// </summary>
public sealed class NormalizeDefaultsSpec : RegistryRestSpec
{
    /// <summary>Gets schemas with an invalid default, and the field Java's message names.</summary>
    public static TheoryData<string, string> Invalid => new()
    {
        { """{"type":"record","name":"R","fields":[{"name":"n","type":"int","default":1.5}]}""", "Invalid default for field n: 1.5 not a \"int\"" },
        { """{"type":"record","name":"R","fields":[{"name":"n","type":"int","default":2147483648}]}""", "Invalid default for field n: 2147483648 not a \"int\"" },
        { """{"type":"record","name":"R","fields":[{"name":"s","type":"string","default":null}]}""", "Invalid default for field s: null not a \"string\"" },
        { """{"type":"record","name":"R","fields":[{"name":"u","type":["null","int"],"default":"x"}]}""", "Invalid default for field u: \"x\" not a [\"null\",\"int\"]" },
        { """{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"array","items":"long"},"default":[1,"2"]}]}""", "Invalid default for field a: [1,\"2\"] not a {\"type\":\"array\",\"items\":\"long\"}" },
        { """{"type":"record","name":"R","fields":[{"name":"i","type":{"type":"record","name":"I","fields":[{"name":"x","type":"int"}]},"default":{}}]}""", "Invalid default for field i: {} not a {\"type\":\"record\",\"name\":\"I\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]}" },
        { """{"type":"record","name":"R","fields":[{"name":"i","type":{"type":"record","name":"I","fields":[{"name":"b","type":"boolean","default":"yes"}]}}]}""", "Invalid default for field b: \"yes\" not a \"boolean\"" },
    };

    /// <summary>Verify 42201 naming the field with normalize=true, on registration and both compatibility routes, and registration without it.</summary>
    /// <param name="schema">The schema.</param>
    /// <param name="message">Java's message.</param>
    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task An_invalid_default_must_be_refused_with_normalize(string schema, string message)
    {
        foreach (var path in new[] { "/subjects/n-value/versions?normalize=true", "/compatibility/subjects/n-value/versions?normalize=true", "/compatibility/subjects/n-value/versions/latest?normalize=true" })
        {
            var error = await Rest.Fail(HttpMethod.Post, path, RegistryRest.Body(schema));

            Assert.Equal((422, 42201), (error.Status, error.ErrorCode));
            Assert.Contains(message, error.Message, StringComparison.Ordinal);
        }

        await Rest.Register("n-value", schema);
        using var http = new HttpClient { BaseAddress = new Uri(Fixture.Registry.Url) };
        using var lookup = await http.PostAsync(
            new Uri("/subjects/n-value?normalize=true", UriKind.Relative),
            new StringContent(RegistryRest.Body(schema), Encoding.UTF8, "application/vnd.schemaregistry.v1+json"));
        Assert.NotEqual(422, (int)lookup.StatusCode); // a lookup parses the schema as an old one: defaults not validated
    }

    /// <summary>
    /// Verify that the config's normalize validates too, and that valid defaults (a string of a double, an int of a
    /// float, a record default with field defaults, a union's default of its second branch as Avro 1.12 allows) register.
    /// </summary>
    [Fact]
    public async Task The_config_normalize_must_validate_and_valid_defaults_must_register()
    {
        await Rest.Send(HttpMethod.Put, "/config/n-value", """{"normalize":true}""");

        var error = await Rest.Fail(HttpMethod.Post, "/subjects/n-value/versions", RegistryRest.Body("""{"type":"record","name":"R","fields":[{"name":"n","type":"long","default":"1"}]}"""));
        await Rest.Register("n-value", """{"type":"record","name":"R","fields":[{"name":"d","type":"double","default":"NaN"},{"name":"f","type":"float","default":0},{"name":"i","type":{"type":"record","name":"I","fields":[{"name":"x","type":"int","default":1}]},"default":{}},{"name":"e","type":{"type":"enum","name":"E","symbols":["A"]},"default":"A"},{"name":"m","type":{"type":"map","values":["null","int"]},"default":{"k":null}},{"name":"u","type":["null","string"],"default":"x"}]}""");

        Assert.Equal((422, 42201), (error.Status, error.ErrorCode));
    }
}

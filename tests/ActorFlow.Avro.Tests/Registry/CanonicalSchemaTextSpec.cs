using ActorFlow.Avro.Tests.Support;

namespace ActorFlow.Avro.Tests.Registry;

/// <summary>
/// The schema text the registry returns is Confluent's: Apache Avro Java's <c>Schema.toString()</c> of the schema as
/// registered, whatever its spelling. The expected texts are written out by hand from Avro Java's rules
/// (<c>Schema.toJson</c>: record <c>type, name, namespace, doc, fields, properties, aliases</c>; field <c>name, type,
/// doc, default, order, aliases, properties</c>; namespaces relative to the enclosing one).
/// </summary>
public sealed class CanonicalSchemaTextSpec : IAsyncLifetime
{
    private RegistryFixture _fixture = null!;
    private RegistryRest _rest = null!;

    public static TheoryData<string, string> Spellings => new()
    {
        // Whitespace and the attributes in another order.
        {
            """{ "fields" : [ { "type" : "string", "name" : "id" } ], "name" : "Tx", "type" : "record" }""",
            """{"type":"record","name":"Tx","fields":[{"name":"id","type":"string"}]}"""
        },
        // Docs, defaults (a string one of a double field becomes the number, -0 is 0), orders (ascending dropped),
        // aliases (a type's relative to its namespace), properties in their own order.
        {
            """{"doc":"A payment","namespace":"shop","name":"Payment","type":"record","aliases":["shop.OldPayment","legacy.Pay"],"fields":[{"order":"descending","default":"n/a","doc":"The id","type":"string","name":"id","aliases":["pid"],"x-tag":"k"},{"name":"amount","type":"double","default":"1.5"},{"name":"count","type":"int","default":-0,"order":"ascending"}],"x-owner":{"team":"pay","since":2020}}""",
            """{"type":"record","name":"Payment","namespace":"shop","doc":"A payment","fields":[{"name":"id","type":"string","doc":"The id","default":"n/a","order":"descending","aliases":["pid"],"x-tag":"k"},{"name":"amount","type":"double","default":1.5},{"name":"count","type":"int","default":0}],"x-owner":{"team":"pay","since":2020},"aliases":["OldPayment","legacy.Pay"]}"""
        },
        // Logical types: type first, then the properties (logicalType among them) in their order; a primitive
        // without properties is its bare name.
        {
            """{"type":"record","name":"Ev","fields":[{"name":"at","type":{"logicalType":"timestamp-millis","type":"long"}},{"name":"price","type":{"precision":9,"type":"bytes","scale":2,"logicalType":"decimal"}},{"name":"day","type":["null",{"type":"int","logicalType":"date"}],"default":null},{"name":"plain","type":{"type":"string"}}]}""",
            """{"type":"record","name":"Ev","fields":[{"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"price","type":{"type":"bytes","precision":9,"scale":2,"logicalType":"decimal"}},{"name":"day","type":["null",{"type":"int","logicalType":"date"}],"default":null},{"name":"plain","type":"string"}]}"""
        },
        // Nested named types: defined where first used, then named relative to the enclosing namespace; a full name
        // splits into name and namespace; "" for a type in no namespace inside one.
        {
            """{"type":"record","name":"com.acme.Order","fields":[{"name":"status","type":{"type":"enum","name":"Status","symbols":["NEW","DONE"],"default":"NEW","doc":"state"}},{"name":"previous","type":"com.acme.Status"},{"name":"hash","type":{"type":"fixed","name":"Hash","namespace":"com.acme.crypto","size":16}},{"name":"hashes","type":{"type":"array","items":"com.acme.crypto.Hash"}},{"name":"line","type":{"type":"record","name":"Line","namespace":"","fields":[{"name":"sku","type":"string"}]}},{"name":"lines","type":{"type":"map","values":"Line"}}]}""",
            """{"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"status","type":{"type":"enum","name":"Status","doc":"state","symbols":["NEW","DONE"],"default":"NEW"}},{"name":"previous","type":"Status"},{"name":"hash","type":{"type":"fixed","name":"Hash","namespace":"com.acme.crypto","size":16}},{"name":"hashes","type":{"type":"array","items":"com.acme.crypto.Hash"}},{"name":"line","type":{"type":"record","name":"Line","namespace":"","fields":[{"name":"sku","type":"string"}]}},{"name":"lines","type":{"type":"map","values":"Line"}}]}"""
        },
        // Numbers as Java's Double.toString writes them; strings escaped as Jackson escapes them.
        {
            """{"type":"record","name":"N","fields":[{"name":"a","type":"double","default":1e21},{"name":"b","type":"double","default":0.0001},{"name":"c","type":"double","default":12345678.90},{"name":"d","type":"double","default":0.001},{"name":"e","type":"double","default":100},{"name":"f","type":"string","default":"tab\there \u0001 é \"q\" /"}]}""",
            """{"type":"record","name":"N","fields":[{"name":"a","type":"double","default":1.0E21},{"name":"b","type":"double","default":1.0E-4},{"name":"c","type":"double","default":1.23456789E7},{"name":"d","type":"double","default":0.001},{"name":"e","type":"double","default":100},{"name":"f","type":"string","default":"tab\there \u0001 é \"q\" /"}]}"""
        },
        // A primitive: its bare name unless it has properties.
        { """{"type": "string"}""", "\"string\"" },
        { """{"connect.name":"x","type":"long"}""", """{"type":"long","connect.name":"x"}""" },
    };

    public async Task InitializeAsync()
    {
        _fixture = await RegistryFixture.StartAsync();
        _rest = new RegistryRest(_fixture.Registry.Url);
    }

    public async Task DisposeAsync()
    {
        _rest.Dispose();
        await _fixture.DisposeAsync();
    }

    /// <summary>
    /// Verify that every route returning a schema returns Java's text of it, and that the canonical text registered
    /// again (in this subject or another) is the same schema: the same id, no new version.
    /// </summary>
    [Theory]
    [MemberData(nameof(Spellings))]
    public async Task Every_route_must_return_the_canonical_text(string registered, string canonical)
    {
        var id = await _rest.Register("s-value", registered);

        Assert.Equal(canonical, await _rest.SchemaOf(id));
        Assert.Equal(canonical, (await _rest.Send(HttpMethod.Get, "/subjects/s-value/versions/1"))["schema"]!.GetValue<string>());
        Assert.Equal(canonical, (await _rest.Send(HttpMethod.Get, "/subjects/s-value/versions/latest"))["schema"]!.GetValue<string>());
        Assert.Equal(canonical, (await _rest.Send(HttpMethod.Post, "/subjects/s-value", RegistryRest.Body(registered)))["schema"]!.GetValue<string>());
        Assert.Equal(canonical, await _rest.Text(HttpMethod.Get, $"/schemas/ids/{id}/schema"));
        Assert.Equal(canonical, await _rest.Text(HttpMethod.Get, "/subjects/s-value/versions/1/schema"));
        Assert.Equal(id, await _rest.Register("s-value", canonical));
        Assert.Equal(id, await _rest.Register("other-value", canonical));
        Assert.Equal("[1]", (await _rest.Send(HttpMethod.Get, "/subjects/s-value/versions")).ToJsonString());
    }
}

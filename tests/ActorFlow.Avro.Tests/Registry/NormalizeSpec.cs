using ActorFlow.Avro.Tests.Support;
using Confluent.SchemaRegistry;

namespace ActorFlow.Avro.Tests.Registry;

/// <summary>
/// <c>normalize=true</c> registers and looks up Confluent's normalized form (<c>AvroSchemaUtils.toNormalizedString</c>,
/// re-parsed): properties and aliases sorted, defaults converted to the field's type, a named type's empty doc dropped.
/// Two spellings differing only in that get one id; without it they are two schemas, as in Confluent.
/// </summary>
public sealed class NormalizeSpec : RegistryRestSpec
{
    private const string Spelled = """{"type":"record","name":"Pay","namespace":"shop","doc":"","fields":[{"name":"amount","type":"double","default":0,"z-prop":1,"a-prop":{"y":1,"x":2}},{"name":"at","type":{"type":"long","connect.name":"ts","logicalType":"timestamp-millis"}}],"aliases":["Older","shop.Old"]}""";
    private const string Respelled = """{"type":"record","name":"shop.Pay","aliases":["shop.Old","Older"],"fields":[{"name":"amount","type":"double","default":0.0,"a-prop":{"x":2,"y":1},"z-prop":1},{"name":"at","type":{"connect.name":"ts","type":"long","logicalType":"timestamp-millis"}}]}""";

    // Hand-derived: the normalized text is {"name":"shop.Pay","type":"record","fields":[{"name":"amount","type":"double",
    // "order":"ASCENDING","default":0.0,"a-prop":{"x":2,"y":1},"z-prop":1},{"name":"at","type":{"type":"long",
    // "logicalType":"timestamp-millis","connect.name":"ts"},"order":"ASCENDING"}],"aliases":["shop.Old","shop.Older"]},
    // and this is Java's toString of it.
    private const string Normalized = """{"type":"record","name":"Pay","namespace":"shop","fields":[{"name":"amount","type":"double","default":0.0,"a-prop":{"x":2,"y":1},"z-prop":1},{"name":"at","type":{"type":"long","logicalType":"timestamp-millis","connect.name":"ts"}}],"aliases":["Old","Older"]}""";
    /// <summary>Verify that with normalize=true both spellings get one id, whose text is the normalized one.</summary>
    [Fact]
    public async Task Normalized_spellings_must_share_an_id()
    {
        var first = await Rest.Register("a-value", Spelled, "?normalize=true");
        var second = await Rest.Register("b-value", Respelled, "?normalize=true");

        Assert.Equal(first, second);
        Assert.Equal(Normalized, await Rest.SchemaOf(first));
    }

    /// <summary>Verify that without normalize the two spellings are two schemas, each returned as Java writes it.</summary>
    [Fact]
    public async Task Without_normalize_the_spellings_must_stay_two_schemas()
    {
        var first = await Rest.Register("a-value", Spelled);
        var second = await Rest.Register("b-value", Respelled, "?normalize=false");

        Assert.NotEqual(first, second);
        Assert.Equal(
            """{"type":"record","name":"Pay","namespace":"shop","doc":"","fields":[{"name":"amount","type":"double","default":0,"z-prop":1,"a-prop":{"y":1,"x":2}},{"name":"at","type":{"type":"long","connect.name":"ts","logicalType":"timestamp-millis"}}],"aliases":["Older","Old"]}""",
            await Rest.SchemaOf(first));
    }

    /// <summary>
    /// Verify that a logical type beside a Java class property is no logical type to normalization (Java's
    /// <c>LogicalType.validate</c> refuses it), so its properties are all sorted, <c>logicalType</c> among them.
    /// </summary>
    [Fact]
    public async Task A_logical_type_beside_a_java_class_property_must_normalize_as_plain_properties()
    {
        var id = await Rest.Register("u-value", """{"type":"record","name":"U","fields":[{"name":"id","type":{"type":"string","logicalType":"uuid","avro.java.string":"String"}}]}""", "?normalize=true");

        Assert.Contains("""{"name":"id","type":{"type":"string","avro.java.string":"String","logicalType":"uuid"}}""", await Rest.SchemaOf(id), StringComparison.Ordinal);
    }

    /// <summary>Verify that a lookup with normalize=true finds the normalized schema from the other spelling, and one without does not.</summary>
    [Fact]
    public async Task A_normalized_lookup_must_find_the_normalized_schema()
    {
        var id = await Rest.Register("a-value", Spelled, "?normalize=true");

        var found = await Rest.Send(HttpMethod.Post, "/subjects/a-value?normalize=true", RegistryRest.Body(Respelled));
        Assert.Equal((id, 1, Normalized), (found["id"]!.GetValue<int>(), found["version"]!.GetValue<int>(), found["schema"]!.GetValue<string>()));
        await Assert.ThrowsAsync<SchemaRegistryException>(() => Fixture.Client.LookupSchemaAsync("a-value", new Schema(Spelled, SchemaType.Avro), false, normalize: false));
        Assert.Equal(id, (await Fixture.Client.LookupSchemaAsync("a-value", new Schema(Respelled, SchemaType.Avro), false, normalize: true)).Id);
    }

    /// <summary>Verify that Confluent's client registering with normalize gets the normalized id.</summary>
    [Fact]
    public async Task Confluents_client_must_register_normalized()
    {
        var id = await Fixture.Client.RegisterSchemaAsync("a-value", new Schema(Spelled, SchemaType.Avro), normalize: true);

        Assert.Equal(id, await Fixture.Client.RegisterSchemaAsync("b-value", new Schema(Respelled, SchemaType.Avro), normalize: true));
        Assert.Equal(Normalized, (await Fixture.Client.GetSchemaAsync(id)).SchemaString);
    }
}

using ActorFlow.Avro.Tests.Support;

namespace ActorFlow.Avro.Tests.Registry;

/// <summary>
/// Rows stored by earlier builds in Apache.Avro's nested form of a decimal over a fixed (what ActorFlow's serdes and
/// Confluent's .NET serializer sent), which Java's parser refuses, read as Java's canonical text and keep their ids:
/// the same schema registered or looked up again, in either form, finds the old row instead of a new version.
/// </summary>
public sealed class NestedLogicalRowsSpec() : OldRowRegistrySpec(Nested)
{
    private const string Nested = """{"type":"record","name":"R","namespace":"n","fields":[{"name":"d","type":{"type":{"type":"fixed","name":"D","namespace":"n","size":8,"precision":10,"scale":2},"logicalType":"decimal","precision":10,"scale":2}}]}""";
    private const string Java = """{"type":"record","name":"R","namespace":"n","fields":[{"name":"d","type":{"type":"fixed","name":"D","size":8,"logicalType":"decimal","precision":10,"scale":2}}]}""";

    /// <summary>Verify the old row's text and that both forms find it.</summary>
    [Fact]
    public async Task An_old_nested_row_must_read_as_javas_text_and_keep_its_id()
    {
        Assert.Equal(Java, await Rest.SchemaOf(1));

        Assert.Equal(1, await Rest.Register("old-value", Java));
        Assert.Equal(1, await Rest.Register("old-value", Nested));
        Assert.Equal(1, (await Rest.Send(HttpMethod.Post, "/subjects/old-value", RegistryRest.Body(Java)))["id"]!.GetValue<int>());
        Assert.Equal("[1]", (await Rest.Send(HttpMethod.Get, "/subjects/old-value/versions")).ToJsonString());
    }
}

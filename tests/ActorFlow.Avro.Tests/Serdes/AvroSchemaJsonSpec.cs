using ActorFlow.Shared;
using Avro;

namespace ActorFlow.Avro.Tests.Serdes;

/// <summary>
/// The specification's JSON of a schema (what the serdes register and the Parquet sink keeps): a logical type over a
/// fixed moves inside the fixed, and anything else stays as Apache.Avro writes it; either way the text parses back to
/// the same schema.
/// </summary>
public sealed class AvroSchemaJsonSpec
{
    /// <summary>Verify each case's text, and that it parses back equal.</summary>
    [Theory]
    [InlineData(
        """{"type":"record","name":"R","fields":[{"name":"d","type":{"type":"fixed","name":"D","size":8,"logicalType":"decimal","precision":10,"scale":2}}]}""",
        "{\"type\":\"fixed\",\"name\":\"D\",\"size\":8,\"logicalType\":\"decimal\",\"precision\":10,\"scale\":2}")]
    [InlineData(
        """{"type":"record","name":"R","fields":[{"name":"a","type":{"type":{"type":"array","items":"int"},"logicalType":"custom"}}]}""",
        "\"type\":{\"type\":\"array\",\"items\":\"int\"},\"logicalType\":\"custom\"")]
    [InlineData(
        """{"type":"record","name":"R","doc":"prix < 5 € & l'écart","fields":[{"name":"d","type":{"type":"fixed","name":"D","size":4,"logicalType":"decimal","precision":4,"scale":1}}]}""",
        "\"doc\":\"prix < 5 € & l'écart\"")]
    public void The_text_must_be_the_specifications_and_parse_back_equal(string schema, string expected)
    {
        var parsed = Schema.Parse(schema);

        var text = AvroSchemaJson.Of(parsed);

        Assert.Contains(expected, text, StringComparison.Ordinal);
        Assert.Equal(parsed, Schema.Parse(text));
    }
}

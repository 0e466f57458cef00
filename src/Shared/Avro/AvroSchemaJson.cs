using System.Text.Json.Nodes;
using AvroSchema = Avro.Schema;

namespace ActorFlow.Shared;

/// <summary>
/// INTERNAL API. A schema's JSON as the Avro specification writes it, for other readers (a schema registry and its
/// Java clients, the metadata of a Parquet file). Apache.Avro writes a logical type over a named type (a decimal over a
/// fixed) as <c>{"type": {"type": "fixed", …}, "logicalType": "decimal", …}</c>: a type whose <c>type</c> is an object,
/// which the specification does not allow and Java's parser refuses ("No type"). Here the logical type's attributes
/// join the fixed's own object instead, as Java writes it: <c>{"type": "fixed", …, "logicalType": "decimal", …}</c>.
/// </summary>
internal static class AvroSchemaJson
{
    /// <summary>The JSON of <paramref name="schema"/> in the specification's form.</summary>
    /// <param name="schema">The schema.</param>
    /// <returns>Apache.Avro's JSON, with logical types over named types written inside them.</returns>
    public static string Of(AvroSchema schema)
    {
        var text = schema.ToString();
        return text.Contains("\"type\":{\"type\":", StringComparison.Ordinal)
            ? Flatten(JsonNode.Parse(text))!.ToJsonString(Relaxed)
            : text;
    }

    // Docs keep their characters (System.Text.Json's default escapes <, &, ' and non-ASCII as \uXXXX).
    private static readonly System.Text.Json.JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static JsonNode? Flatten(JsonNode? node)
    {
        switch (node)
        {
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var item = Flatten(array[i]);
                    if (!ReferenceEquals(item, array[i]))
                    {
                        array[i] = item?.DeepClone();
                    }
                }

                return array;
            case JsonObject obj:
                foreach (var (name, value) in obj.ToList())
                {
                    var flat = Flatten(value);
                    if (!ReferenceEquals(flat, value))
                    {
                        obj[name] = flat?.DeepClone();
                    }
                }

                // Only over a named type: Apache.Avro writes a logical type over an array or map the same way, but
                // reads it back only so (inside, it would drop the logical type).
                if (obj["type"] is JsonObject inner && obj.ContainsKey("logicalType") &&
                    inner["type"] is JsonValue kind && kind.GetValueKind() == System.Text.Json.JsonValueKind.String &&
                    kind.GetValue<string>() is "fixed" or "record" or "enum")
                {
                    var merged = (JsonObject)inner.DeepClone();
                    // The logical type's attributes after the named type's own, in the order Java writes them
                    // (Apache.Avro repeats some, such as a decimal's precision and scale, inside the fixed).
                    foreach (var (name, value) in obj)
                    {
                        if (name != "type")
                        {
                            merged.Remove(name);
                            merged[name] = value?.DeepClone();
                        }
                    }

                    return merged;
                }

                return obj;
            default:
                return node;
        }
    }
}

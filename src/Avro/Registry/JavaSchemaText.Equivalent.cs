using System.Text;
using System.Text.Json.Nodes;

namespace ActorFlow.Avro.Registry;

/// <summary>
/// Confluent's <c>AvroSchema.equivalent</c>: Java's <c>Schema.equals</c> (names, fields, symbols, sizes, defaults,
/// orders and properties, a property map's order not counting) and <c>metaEqual</c> (docs, aliases as sets, enum
/// defaults). On two canonical texts: the same JSON but for the order of an object's keys and of aliases.
/// </summary>
internal static partial class JavaSchemaText
{
    /// <summary>Whether two canonical texts are of equivalent schemas.</summary>
    /// <param name="a">A canonical text.</param>
    /// <param name="b">Another.</param>
    /// <returns>Whether they are equivalent.</returns>
    public static bool Equivalent(string a, string b)
    {
        if (a == b)
        {
            return true;
        }

        try
        {
            return Same(JsonNode.Parse(a), JsonNode.Parse(b), false);
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    private static bool Same(JsonNode? a, JsonNode? b, bool asSet) => (a, b) switch
    {
        (JsonObject x, JsonObject y) => x.Count == y.Count && x.All(p => y.TryGetPropertyValue(p.Key, out var other) && Same(p.Value, other, p.Key == "aliases")),
        (JsonArray x, JsonArray y) when asSet => x.Select(Leaf).ToHashSet().SetEquals(y.Select(Leaf)),
        (JsonArray x, JsonArray y) => x.Count == y.Count && x.Zip(y).All(p => Same(p.Item1, p.Item2, false)),
        (JsonObject or JsonArray, _) or (_, JsonObject or JsonArray) => false,
        _ => Leaf(a) == Leaf(b),
    };

    private static string Leaf(JsonNode? node) => JacksonText.Tree(new StringBuilder(), node).ToString();
}

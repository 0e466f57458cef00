using System.Text.Json.Nodes;
using Avro;

namespace ActorFlow.Avro.Registry;

/// <summary>
/// INTERNAL API. The key rows were stored under before the registry kept canonical texts (<see cref="JavaSchemaText"/>,
/// which now identifies a schema): the registry still looks rows up by it, so those rows keep their ids. Under it,
/// two schemas got the same id exactly when their identity texts were equal. Confluent's registry identifies a schema by the MD5 of its canonical string (Apache Avro
/// Java's <c>Schema.toString()</c>: every attribute, whitespace dropped, a field's <c>order</c> kept unless it is
/// <c>ascending</c>, the default). Apache.Avro's <see cref="Schema.ToString()"/> keeps the same attributes except
/// <c>order</c>, and its parser cannot tell an absent order from <c>ignore</c> (both give <see cref="Field.SortOrder.ignore"/>),
/// so the orders are taken from the text as registered and put back into Apache.Avro's text. A schema without a
/// <c>descending</c> or <c>ignore</c> field keeps exactly <see cref="Schema.ToString()"/>, the key rows written before
/// <c>order</c> counted were stored under.
/// </summary>
internal static class SchemaIdentity
{
    /// <summary>The identity of <paramref name="schema"/>, parsed from <paramref name="text"/>.</summary>
    /// <param name="text">The schema as registered.</param>
    /// <param name="schema">The parsed schema.</param>
    /// <returns>The identity text.</returns>
    public static string Of(string text, Schema schema)
    {
        var plain = schema.ToString();
        try
        {
            var identity = JsonNode.Parse(plain);
            return PutOrders(JsonNode.Parse(text), identity) ? identity!.ToJsonString() : plain;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or ArgumentException)
        {
            // Apache.Avro took a text System.Text.Json does not (a bare name such as string, a repeated key): no order is read from it.
            return plain;
        }
    }

    // Walks the registered JSON beside Apache.Avro's: both define each named type where it is first used and name it
    // after, so their records, fields, items, values and branches line up. Returns whether an order was put.
    private static bool PutOrders(JsonNode? registered, JsonNode? identity)
    {
        var put = false;
        switch (registered, identity)
        {
            case (JsonArray branches, JsonArray ours):
                for (var i = 0; i < branches.Count && i < ours.Count; i++)
                {
                    put |= PutOrders(branches[i], ours[i]);
                }

                break;
            case (JsonObject r, JsonObject o) when r["fields"] is JsonArray fields && o["fields"] is JsonArray ourFields:
                for (var i = 0; i < fields.Count && i < ourFields.Count; i++)
                {
                    if (fields[i] is not JsonObject field || ourFields[i] is not JsonObject ourField)
                    {
                        continue;
                    }

                    if (field["order"] is JsonValue order && order.TryGetValue<string>(out var value) && value is "descending" or "ignore")
                    {
                        ourField["order"] = value;
                        put = true;
                    }

                    put |= PutOrders(field["type"], ourField["type"]);
                }

                break;
            case (JsonObject r, JsonObject o):
                put |= PutOrders(r["items"], o["items"]) | PutOrders(r["values"], o["values"]);
                break;
        }

        return put;
    }
}

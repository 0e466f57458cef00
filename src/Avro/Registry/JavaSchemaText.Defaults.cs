using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ActorFlow.Avro.Registry;

/// <summary>Java's check of field defaults (<c>Schema.Parser.setValidateDefaults(true)</c>), on the parsed schema.</summary>
internal static partial class JavaSchemaText
{
    /// <summary>
    /// The message of Apache Avro Java's parser, validating defaults, for the first field whose default is not a value
    /// of its type (<c>Schema.validateDefault</c>: <c>Invalid default for field n: 1.5 not a "int"</c>), fields checked
    /// in the order Java makes them; null when every default is valid, or when the text is not a schema followed here
    /// (its parse fails elsewhere).
    /// </summary>
    /// <param name="text">The schema's JSON text.</param>
    /// <returns>The message, or null.</returns>
    public static string? InvalidDefault(string text)
    {
        Schema root;
        try
        {
            root = Parse(text);
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException or ArgumentException or OverflowException)
        {
            return null;
        }

        return FirstInvalidDefault(root, new HashSet<Named>(ReferenceEqualityComparer.Instance));
    }

    // Java checks a field's default as it makes the field, after parsing its type (and the records that defines).
    private static string? FirstInvalidDefault(Schema schema, HashSet<Named> seen)
    {
        switch (schema)
        {
            case Named { Fields: { } fields } record when seen.Add(record):
                foreach (var field in fields)
                {
                    if (FirstInvalidDefault(field.Schema, seen) is { } inner)
                    {
                        return inner;
                    }

                    if (field.HasDefault && !IsValidDefault(field.Schema, field.Default))
                    {
                        var o = new StringBuilder("Invalid default for field ").Append(field.Name).Append(": ");
                        JacksonText.Tree(o, field.Default).Append(" not a ");
                        Write(o, field.Schema, new Scope());
                        return o.ToString();
                    }
                }

                return null;
            case Container container:
                return FirstInvalidDefault(container.Element, seen);
            case Union union:
                return union.Branches.Select(b => FirstInvalidDefault(b, seen)).FirstOrDefault(m => m is not null);
            default:
                return null;
        }
    }

    // Java's Schema.isValidDefault (Avro 1.12), a JSON null being C#'s null; Jackson's node kinds: an integral number
    // is a literal without fraction or exponent, within int's or long's range for those types.
    private static bool IsValidDefault(Schema schema, JsonNode? value)
    {
        var kind = value?.GetValueKind() ?? JsonValueKind.Null;
        switch (schema)
        {
            case Primitive p:
                return p.Type switch
                {
                    "string" or "bytes" => kind == JsonValueKind.String,
                    "int" => Integral(value) is { } i && i >= int.MinValue && i <= int.MaxValue,
                    "long" => Integral(value) is { } l && l >= long.MinValue && l <= long.MaxValue,
                    "float" or "double" => kind == JsonValueKind.Number,
                    "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
                    "null" => kind == JsonValueKind.Null,
                    _ => false,
                };
            case Named { Type: "enum" or "fixed" }:
                return kind == JsonValueKind.String;
            case Named { Fields: { } fields }:
                return value is JsonObject obj && fields.All(f => obj.TryGetPropertyValue(f.Name, out var given)
                    ? IsValidDefault(f.Schema, given)
                    : f.HasDefault && IsValidDefault(f.Schema, f.Default));
            case Container { Type: "array" } array:
                return value is JsonArray items && items.All(item => IsValidDefault(array.Element, item));
            case Container map:
                return value is JsonObject entries && entries.All(entry => IsValidDefault(map.Element, entry.Value));
            case Union union:
                // Avro 1.12 (Confluent's registry since its 1.12.1 upgrade): any branch; Avro 1.11 took the first only.
                return union.Branches.Any(b => IsValidDefault(b, value));
            default:
                return false;
        }
    }

    private static System.Numerics.BigInteger? Integral(JsonNode? value) =>
        value is JsonValue v && v.GetValueKind() == JsonValueKind.Number && JacksonText.IsInteger(v) ? JacksonText.Integer(v) : null;
}

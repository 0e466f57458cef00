using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ActorFlow.Avro.Registry;

/// <summary>
/// Confluent's <c>normalize=true</c>: <c>AvroSchema.normalize()</c> re-parses the text
/// <c>AvroSchemaUtils.toNormalizedString</c> writes (Confluent 7.x, adapted from Avro's <c>SchemaNormalization</c>), so
/// the registry stores and identifies that schema's canonical text. The normalized text: named types by full name
/// (<c>name</c> then <c>type</c>, no <c>namespace</c>), every field's <c>order</c>, a named type's empty <c>doc</c>
/// dropped, aliases sorted (a type's as full names), properties sorted by key (and the keys of objects inside them),
/// field defaults converted to the field's type (<c>0</c> for a double is <c>0.0</c>; a union's first branch counts), a
/// valid logical type's <c>logicalType</c> (and a decimal's <c>precision</c>, and <c>scale</c> unless 0) written first.
/// What re-parsing it does follows from Java's rules in <see cref="JavaSchemaText"/>: e.g. a nested type in no
/// namespace, written by its bare name, takes the enclosing namespace, as it does in Confluent.
/// </summary>
internal static partial class JavaSchemaText
{
    /// <summary>The canonical text of Confluent's normalized form of <paramref name="text"/>.</summary>
    /// <param name="text">A schema's JSON text.</param>
    /// <returns>The canonical text of the normalized schema.</returns>
    /// <exception cref="FormatException">The text is not a schema Avro Java would parse.</exception>
    public static string Normalized(string text) => Canonical(Guard(() =>
    {
        var o = new StringBuilder(text.Length);
        Build([], Parse(text), o);
        return o.ToString();
    }));

    // AvroSchemaUtils.build (Confluent 7.9).
    private static void Build(Dictionary<string, string> env, Schema s, StringBuilder o)
    {
        switch (s)
        {
            case Union u:
                o.Append('[');
                for (var i = 0; i < u.Branches.Count; i++)
                {
                    Build(env, u.Branches[i], o.Append(i == 0 ? "" : ","));
                }

                o.Append(']');
                return;
            case Container c:
                o.Append("{\"type\":\"").Append(c.Type).Append('"');
                Build(env, c.Element, o.Append(c.Type == "array" ? ",\"items\":" : ",\"values\":"));
                SimpleProps(o, c.Props).Append('}');
                return;
            case Named n when env.TryGetValue(n.Name.Full, out var known):
                o.Append(known);
                return;
            case Named n:
                string[] written = [];
                var qname = "\"" + n.Name.Full + "\"";
                env[n.Name.Full] = qname;
                o.Append("{\"name\":").Append(qname).Append(",\"type\":\"").Append(n.Type is "error" ? "record" : n.Type).Append('"');
                if (n.Symbols is { } symbols)
                {
                    o.Append(",\"symbols\":[").AppendJoin(',', symbols.Select(x => "\"" + x + "\"")).Append(']');
                }
                else if (n.Fields is { } fields)
                {
                    o.Append(",\"fields\":[");
                    for (var i = 0; i < fields.Count; i++)
                    {
                        var f = fields[i];
                        o.Append(i == 0 ? "" : ",").Append("{\"name\":\"").Append(f.Name).Append('"');
                        Build(env, f.Schema, o.Append(",\"type\":"));
                        FieldProps(o, f).Append('}');
                    }

                    o.Append(']');
                }
                else
                {
                    o.Append(",\"size\":").Append(n.Size.ToString(CultureInfo.InvariantCulture));
                    written = LogicalProps(o, n);
                }

                if (!string.IsNullOrEmpty(n.Doc))
                {
                    JacksonText.String(o.Append(",\"doc\":"), n.Doc);
                }

                if (n.Aliases.Count > 0)
                {
                    StringArray(o.Append(",\"aliases\":"), n.Aliases.Select(a => a.Full));
                }

                if (n.EnumDefault is not null)
                {
                    JacksonText.String(o.Append(",\"default\":"), n.EnumDefault);
                }

                SimpleProps(o, n.Props, written).Append('}');
                return;
            case Primitive p when LogicalType(p) is not null:
                o.Append("{\"type\":\"").Append(p.Type).Append('"');
                SimpleProps(o, p.Props, LogicalProps(o, p)).Append('}');
                return;
            case Primitive p when p.Props.Count > 0:
                o.Append("{\"type\":\"").Append(p.Type).Append('"');
                SimpleProps(o, p.Props).Append('}');
                return;
            case Primitive p:
                o.Append('"').Append(p.Type).Append('"');
                return;
        }
    }

    private static StringBuilder FieldProps(StringBuilder o, Field f)
    {
        o.Append(",\"order\":\"").Append(f.Order.ToUpperInvariant()).Append('"');
        if (f.Doc is not null)
        {
            JacksonText.String(o.Append(",\"doc\":"), f.Doc);
        }

        if (f.Aliases.Count > 0)
        {
            StringArray(o.Append(",\"aliases\":"), f.Aliases);
        }

        if (f.HasDefault && ToObject(f.Default, f.Schema) is { } value)
        {
            o.Append(",\"default\":").Append(value);
        }

        return SimpleProps(o, f.Props);
    }

    // A TreeSet<String> as JSON.
    private static void StringArray(StringBuilder o, IEnumerable<string> values)
    {
        o.Append('[');
        var first = true;
        foreach (var v in values.Distinct().Order(StringComparer.Ordinal))
        {
            JacksonText.String(o.Append(first ? "" : ","), v);
            first = false;
        }

        o.Append(']');
    }

    // Keys sorted as a TreeMap sorts them; keys are written as they are, values as toJsonNode(toObject(value)). Java
    // writes the logical type's keys a second time here, with the same values; Jackson, re-parsing, keeps the first
    // place of a repeated key and its last value, so those are left out (written lists them).
    private static StringBuilder SimpleProps(StringBuilder o, List<KeyValuePair<string, JsonNode?>> props, string[]? written = null)
    {
        foreach (var (key, value) in props.Where(p => written?.Contains(p.Key) != true).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            o.Append(",\"").Append(key).Append("\":").Append(ToObject(value, null) ?? "null");
        }

        return o;
    }

    // The keys written.
    private static string[] LogicalProps(StringBuilder o, Schema s)
    {
        if (LogicalType(s) is not { } logical)
        {
            return [];
        }

        o.Append(",\"logicalType\":\"").Append(logical.Name).Append('"');
        if (logical.Name != "decimal")
        {
            return ["logicalType"];
        }

        o.Append(",\"precision\":").Append(logical.Precision.ToString(CultureInfo.InvariantCulture));
        if (logical.Scale == 0)
        {
            return ["logicalType", "precision"];
        }

        o.Append(",\"scale\":").Append(logical.Scale.ToString(CultureInfo.InvariantCulture));
        return ["logicalType", "precision", "scale"];
    }

    // LogicalTypes.fromSchemaIgnoreInvalid (Avro 1.11): the logical type Java recognises, or null when unknown or invalid.
    private static (string Name, int Precision, int Scale)? LogicalType(Schema s)
    {
        var name = s.Props.FirstOrDefault(p => p.Key == "logicalType").Value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
        // LogicalType.validate: a Java class property beside a logical type makes it invalid (ignored).
        if (s.Props.Any(p => p.Key is "avro.java.string" or "java-class" or "java-key-class" or "java-element-class" &&
            p.Value is JsonValue j && j.GetValueKind() == JsonValueKind.String))
        {
            return null;
        }

        var baseType = s switch { Primitive p => p.Type, Named n => n.Type, _ => "" };
        switch (name)
        {
            case "decimal" when baseType is "bytes" or "fixed":
                if (Int(s, "precision") is not { } precision || (s.Props.Any(p => p.Key == "scale") ? Int(s, "scale") : 0) is not { } scale)
                {
                    return null;
                }

                var max = baseType == "bytes" ? int.MaxValue : (long)Math.Round(Math.Floor(Math.Log10(2) * ((8 * (long)((Named)s).Size) - 1)));
                return precision > 0 && precision <= max && scale >= 0 && scale <= precision ? (name, precision, scale) : null;
            case "big-decimal" or "uuid" when baseType == (name == "uuid" ? "string" : "bytes"):
            case "date" or "time-millis" when baseType is "int":
            case "time-micros" or "timestamp-millis" or "timestamp-micros" or "local-timestamp-millis" or "local-timestamp-micros" when baseType is "long":
                return (name, 0, 0);
            default:
                return null;
        }
    }

    private static int? Int(Schema s, string key) =>
        s.Props.FirstOrDefault(p => p.Key == key).Value is JsonValue v && v.GetValueKind() == JsonValueKind.Number && JacksonText.IsInteger(v)
            && JacksonText.Integer(v) is var n && n >= int.MinValue && n <= int.MaxValue
            ? (int)n
            : null;

    // JacksonUtils.toObject(node, schema) then toJsonNode(...).toString(): null where toObject gives null.
    private static string? ToObject(JsonNode? node, Schema? schema)
    {
        if (schema is Union u)
        {
            return ToObject(node, u.Branches[0]);
        }

        var type = schema switch { null => null, Primitive p => p.Type, Container c => c.Type, Named n => n.Type is "error" ? "record" : n.Type, _ => "" };
        switch (node)
        {
            case null:
                return "null";
            case JsonArray array:
                var element = schema is Container { Type: "array" } a ? a.Element : null;
                return "[" + string.Join(",", array.Select(x => ToObject(x, element) ?? "null")) + "]";
            case JsonObject obj:
                var pairs = obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p =>
                {
                    var inner = schema switch
                    {
                        Container { Type: "map" } m => m.Element,
                        Named { Fields: { } fields } => fields.FirstOrDefault(f => f.Name == p.Key)?.Schema,
                        _ => null,
                    };
                    return JacksonText.String(new StringBuilder(), p.Key).Append(':').Append(ToObject(p.Value, inner) ?? "null").ToString();
                });
                return "{" + string.Join(",", pairs) + "}";
        }

        var v = node.AsValue();
        switch (v.GetValueKind())
        {
            case JsonValueKind.True:
                return "true";
            case JsonValueKind.False:
                return "false";
            case JsonValueKind.String:
                var text = v.GetValue<string>();
                return type switch
                {
                    null or "string" or "enum" => JacksonText.String(new StringBuilder(), text).ToString(),
                    "bytes" or "fixed" => JacksonText.String(new StringBuilder(), new string([.. text.Select(c => c > '\u00ff' ? '?' : c)])).ToString(),
                    _ => null,
                };
            case JsonValueKind.Number when JacksonText.IsInteger(v):
                var n = JacksonText.Integer(v);
                var isLong = n >= long.MinValue && n <= long.MaxValue;
                return (isLong, type) switch
                {
                    (false, _) => null, // a BigIntegerNode is none of the kinds toObject converts
                    (_, null or "int" or "long") => n.ToString(CultureInfo.InvariantCulture),
                    (_, "float") => JacksonText.JavaFloat((float)(double)n),
                    (_, "double") => JacksonText.JavaDouble((double)n),
                    _ => null,
                };
            case JsonValueKind.Number:
                var d = JacksonText.Double(v);
                return type switch
                {
                    null or "double" => JacksonText.JavaDouble(d),
                    "float" => JacksonText.JavaFloat((float)d),
                    _ => null,
                };
            default:
                return "null";
        }
    }
}

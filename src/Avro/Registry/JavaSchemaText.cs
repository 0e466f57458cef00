using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ActorFlow.Avro.Registry;

/// <summary>
/// INTERNAL API. A schema's text as Confluent's registry stores and returns it: Apache Avro Java's
/// <c>Schema.toString()</c> of the parsed schema (<c>AvroSchema.canonicalString()</c>), followed rule by rule from
/// Avro 1.11's <c>Schema.parse</c> and <c>toJson</c>. No whitespace. A record is written <c>type, name, namespace, doc,
/// fields, properties, aliases</c>; an enum <c>type, name, namespace, doc, symbols, default, properties, aliases</c>; a
/// fixed <c>type, name, namespace, doc, size, properties, aliases</c>; a field <c>name, type, doc, default, order,
/// aliases, properties</c> (<c>order</c> only when not <c>ascending</c>); an array or map <c>type, items|values,
/// properties</c>; a primitive is its bare name unless it has properties (a <c>logicalType</c> is one, kept where it
/// was among them). Properties keep the order they were written in. A named type is defined where first used and
/// named after, by its short name inside its own namespace; a <c>namespace</c> is written only where it differs from
/// the enclosing one (<c>""</c> for no namespace inside one). Field defaults and property values are written as
/// Jackson writes what it parsed (<see cref="JacksonText"/>); a string default of a float or double field becomes
/// the number.
/// </summary>
internal static partial class JavaSchemaText
{
    private static readonly JsonDocumentOptions JsonOptions = new() { CommentHandling = JsonCommentHandling.Skip };
    private static readonly HashSet<string> Primitives = ["string", "bytes", "int", "long", "float", "double", "boolean", "null"];
    private static readonly HashSet<string> TypeNames = ["record", "enum", "array", "map", "union", "fixed", .. Primitives];
    private static readonly HashSet<string> SchemaReserved = ["doc", "fields", "items", "name", "namespace", "size", "symbols", "values", "type", "aliases"];
    private static readonly HashSet<string> EnumReserved = [.. SchemaReserved, "default"];
    private static readonly HashSet<string> FieldReserved = ["default", "doc", "name", "order", "type", "aliases"];

    /// <summary>Java's <c>Schema.toString()</c> of <paramref name="text"/>.</summary>
    /// <param name="text">A schema's JSON text.</param>
    /// <returns>The canonical text.</returns>
    /// <exception cref="FormatException">The text is not a schema Avro Java would parse.</exception>
    public static string Canonical(string text) => Guard(() =>
    {
        var o = new StringBuilder(text.Length);
        Write(o, Parse(text), new Scope());
        return o.ToString();
    });

    // Any failure to follow the text (malformed JSON, a repeated key, a value of the wrong kind) is a FormatException.
    private static string Guard(Func<string> write)
    {
        try
        {
            return write();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException or OverflowException)
        {
            throw new FormatException(e.Message, e);
        }
    }

    private static Schema Parse(string text) => Parse(JsonNode.Parse(text, null, JsonOptions), new Scope());

    // Java's Schema.parse(JsonNode, Names).
    private static Schema Parse(JsonNode? json, Scope names)
    {
        if (json is not JsonObject obj)
        {
            return json switch
            {
                JsonValue v when Text(v) is { } name => names.Get(name) ?? throw new FormatException($"Undefined name: {name}"),
                JsonArray branches => new Union([.. branches.Select(b => Parse(b, names))]),
                _ => throw new FormatException($"Schema not yet supported: {json?.ToJsonString()}"),
            };
        }

        var type = Text(obj["type"]) ?? throw new FormatException("No type");
        var saved = names.Space;
        Named? named = null;
        if (type is "record" or "error" or "enum" or "fixed")
        {
            var space = Text(obj["namespace"]) ?? saved;
            named = new Named(type, new Name(Text(obj["name"]) ?? throw new FormatException("No name in schema"), space), Text(obj["doc"]));
            names.Space = named.Name.Space;
        }

        Schema result;
        if (Primitives.Contains(type))
        {
            result = new Primitive(type);
        }
        else if (named is not null)
        {
            result = named;
            names.Add(named);
            if (type is "enum")
            {
                named.Symbols = obj["symbols"] is JsonArray symbols ? [.. symbols.Select(s => Text(s) ?? "")] : throw new FormatException("Enum has no symbols");
                named.EnumDefault = Text(obj["default"]);
            }
            else if (type is "fixed")
            {
                named.Size = obj["size"] is JsonValue size && size.GetValueKind() == JsonValueKind.Number && JacksonText.IsInteger(size) && JacksonText.Integer(size) is var n && n >= int.MinValue && n <= int.MaxValue
                    ? (int)n
                    : throw new FormatException("Invalid or no size");
            }
            else
            {
                named.Fields = obj["fields"] is JsonArray fields ? [.. fields.Select(f => ParseField(f, names))] : throw new FormatException("Record has no fields");
            }
        }
        else if (type is "array")
        {
            result = new Container("array", Parse(obj["items"] ?? throw new FormatException("Array has no items type"), names));
        }
        else if (type is "map")
        {
            result = new Container("map", Parse(obj["values"] ?? throw new FormatException("Map has no values type"), names));
        }
        else
        {
            // A named type's name given as "type" stands for that type; its other attributes are ignored.
            return names.Find(new Name(type, names.Space)) ?? throw new FormatException($"Type not supported: {type}");
        }

        var reserved = type is "enum" ? EnumReserved : SchemaReserved;
        result.Props.AddRange(obj.Where(p => !reserved.Contains(p.Key)));
        names.Space = saved;
        if (named is not null && Aliases(obj) is { } aliases)
        {
            foreach (var alias in aliases)
            {
                var name = new Name(alias, named.Name.Space);
                if (!named.Aliases.Contains(name))
                {
                    named.Aliases.Add(name);
                }
            }
        }

        return result;
    }

    private static Field ParseField(JsonNode? json, Scope names)
    {
        var obj = json as JsonObject ?? throw new FormatException("No field name");
        var name = Text(obj["name"]) ?? throw new FormatException("No field name");
        var typeNode = obj["type"] ?? throw new FormatException("No field type");
        var schema = Parse(typeNode, names);
        var order = obj["order"] is { } o ? (Text(o) ?? "").ToLowerInvariant() : "ascending";
        if (order is not ("ascending" or "descending" or "ignore"))
        {
            throw new FormatException($"Unknown field order: {order}");
        }

        var hasDefault = obj.TryGetPropertyValue("default", out var @default);
        if (hasDefault && schema is Primitive { Type: "float" or "double" } && Text(@default) is { } number)
        {
            @default = JsonValue.Create(JavaDoubleValueOf(number));
        }

        var field = new Field(name, schema, Text(obj["doc"]), hasDefault, @default, order);
        field.Props.AddRange(obj.Where(p => !FieldReserved.Contains(p.Key)));
        foreach (var alias in Aliases(obj) ?? [])
        {
            if (!field.Aliases.Contains(alias))
            {
                field.Aliases.Add(alias);
            }
        }

        return field;
    }

    /// <summary>Java's <c>Double.valueOf</c> of a string (how Java's parser reads a string default of a float or double field).</summary>
    /// <param name="text">The string.</param>
    /// <returns>The number.</returns>
    /// <exception cref="FormatException">The string is not a number to Java.</exception>
    internal static double JavaDoubleValueOf(string text) => text.Trim() switch
    {
        "NaN" => double.NaN,
        "Infinity" or "+Infinity" => double.PositiveInfinity,
        "-Infinity" => double.NegativeInfinity,
        var t => double.TryParse(t.TrimEnd('d', 'D', 'f', 'F'), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d)
            ? d
            : throw new FormatException($"For input string: \"{text}\""),
    };

    private static IEnumerable<string>? Aliases(JsonObject obj) => obj["aliases"] switch
    {
        null => null,
        JsonArray array => array.Select(a => Text(a) ?? throw new FormatException("alias not a string")),
        _ => throw new FormatException("aliases not an array"),
    };

    // Jackson's textValue(): the string, or null for any other node.
    private static string? Text(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    // Java's toJson(Names, JsonGenerator).
    private static void Write(StringBuilder o, Schema schema, Scope names)
    {
        switch (schema)
        {
            case Primitive p when p.Props.Count == 0:
                JacksonText.String(o, p.Type);
                break;
            case Primitive p:
                JacksonText.String(o.Append("{\"type\":"), p.Type);
                WriteProps(o, p.Props).Append('}');
                break;
            case Container c:
                o.Append("{\"type\":\"").Append(c.Type).Append(c.Type == "array" ? "\",\"items\":" : "\",\"values\":");
                Write(o, c.Element, names);
                WriteProps(o, c.Props).Append('}');
                break;
            case Union u:
                o.Append('[');
                for (var i = 0; i < u.Branches.Count; i++)
                {
                    Write(o.Append(i == 0 ? "" : ","), u.Branches[i], names);
                }

                o.Append(']');
                break;
            case Named n when !names.Written.Add(n.Name.Full):
                JacksonText.String(o, n.Name.Qualified(names.Space));
                break;
            case Named n:
                WriteNamed(o, n, names);
                break;
        }
    }

    private static void WriteNamed(StringBuilder o, Named n, Scope names)
    {
        var saved = names.Space;
        o.Append("{\"type\":\"").Append(n.Type).Append("\",\"name\":");
        JacksonText.String(o, n.Name.Short);
        if (n.Name.Space is not null ? n.Name.Space != names.Space : names.Space is not null)
        {
            JacksonText.String(o.Append(",\"namespace\":"), n.Name.Space ?? "");
        }

        if (n.Type is "record" or "error")
        {
            names.Space = n.Name.Space;
        }

        if (n.Doc is not null)
        {
            JacksonText.String(o.Append(",\"doc\":"), n.Doc);
        }

        if (n.Fields is { } fields)
        {
            o.Append(",\"fields\":[");
            for (var i = 0; i < fields.Count; i++)
            {
                WriteField(o.Append(i == 0 ? "" : ","), fields[i], names);
            }

            o.Append(']');
        }
        else if (n.Symbols is { } symbols)
        {
            o.Append(",\"symbols\":[");
            for (var i = 0; i < symbols.Count; i++)
            {
                JacksonText.String(o.Append(i == 0 ? "" : ","), symbols[i]);
            }

            o.Append(']');
            if (n.EnumDefault is not null)
            {
                JacksonText.String(o.Append(",\"default\":"), n.EnumDefault);
            }
        }
        else
        {
            o.Append(",\"size\":").Append(n.Size);
        }

        WriteProps(o, n.Props);
        if (n.Aliases.Count > 0)
        {
            o.Append(",\"aliases\":[");
            for (var i = 0; i < n.Aliases.Count; i++)
            {
                JacksonText.String(o.Append(i == 0 ? "" : ","), n.Aliases[i].Qualified(n.Name.Space));
            }

            o.Append(']');
        }

        o.Append('}');
        names.Space = saved;
    }

    private static void WriteField(StringBuilder o, Field f, Scope names)
    {
        JacksonText.String(o.Append("{\"name\":"), f.Name).Append(",\"type\":");
        Write(o, f.Schema, names);
        if (f.Doc is not null)
        {
            JacksonText.String(o.Append(",\"doc\":"), f.Doc);
        }

        if (f.HasDefault)
        {
            JacksonText.Tree(o.Append(",\"default\":"), f.Default);
        }

        if (f.Order != "ascending")
        {
            o.Append(",\"order\":\"").Append(f.Order).Append('"');
        }

        if (f.Aliases.Count > 0)
        {
            o.Append(",\"aliases\":[");
            for (var i = 0; i < f.Aliases.Count; i++)
            {
                JacksonText.String(o.Append(i == 0 ? "" : ","), f.Aliases[i]);
            }

            o.Append(']');
        }

        WriteProps(o, f.Props).Append('}');
    }

    private static StringBuilder WriteProps(StringBuilder o, List<KeyValuePair<string, JsonNode?>> props)
    {
        foreach (var (key, value) in props)
        {
            JacksonText.Tree(JacksonText.String(o.Append(','), key).Append(':'), value);
        }

        return o;
    }
}

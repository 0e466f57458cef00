using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ActorFlow.Avro.Registry;

/// <summary>
/// INTERNAL API. JSON values written as Jackson (the JSON library of Apache Avro Java and Confluent's registry) writes
/// the tree it parsed: strings escape only <c>"</c>, <c>\</c> and control characters (<c>\n</c>-style where one
/// exists, else <c>\u00XX</c> with upper-case hex); an integer literal is written as its value (<c>-0</c> as
/// <c>0</c>); a literal with a fraction or an exponent is a double, written as Java's <c>Double.toString</c>
/// (shortest round-trip digits, as JDK 19 and later print them).
/// </summary>
internal static class JacksonText
{
    /// <summary>Appends <paramref name="value"/> as a JSON string.</summary>
    public static StringBuilder String(StringBuilder o, string value)
    {
        o.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': o.Append("\\\""); break;
                case '\\': o.Append("\\\\"); break;
                case '\b': o.Append("\\b"); break;
                case '\t': o.Append("\\t"); break;
                case '\f': o.Append("\\f"); break;
                case '\n': o.Append("\\n"); break;
                case '\r': o.Append("\\r"); break;
                case < ' ': o.Append("\\u00").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture)); break;
                default: o.Append(c); break;
            }
        }

        return o.Append('"');
    }

    /// <summary>Appends a JSON tree (<see langword="null"/> is JSON's null) in its own key order.</summary>
    public static StringBuilder Tree(StringBuilder o, JsonNode? node)
    {
        switch (node)
        {
            case null:
                return o.Append("null");
            case JsonObject obj:
                o.Append('{');
                var first = true;
                foreach (var (key, value) in obj)
                {
                    o.Append(first ? "" : ",");
                    first = false;
                    Tree(String(o, key).Append(':'), value);
                }

                return o.Append('}');
            case JsonArray array:
                o.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    Tree(o.Append(i == 0 ? "" : ","), array[i]);
                }

                return o.Append(']');
            default:
                var v = node.AsValue();
                return v.GetValueKind() switch
                {
                    JsonValueKind.String => String(o, v.GetValue<string>()),
                    JsonValueKind.True => o.Append("true"),
                    JsonValueKind.False => o.Append("false"),
                    JsonValueKind.Null => o.Append("null"),
                    _ => Number(o, v),
                };
        }
    }

    /// <summary>Whether a JSON number is an integer literal (Jackson's IntNode, LongNode or BigIntegerNode).</summary>
    public static bool IsInteger(JsonValue number) =>
        number.TryGetValue<JsonElement>(out var e) ? e.GetRawText().IndexOfAny(['.', 'e', 'E']) < 0 : !number.TryGetValue<double>(out _);

    /// <summary>An integer literal's value.</summary>
    public static BigInteger Integer(JsonValue number) => BigInteger.Parse(Raw(number), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    /// <summary>A number's value as a double.</summary>
    public static double Double(JsonValue number) => number.TryGetValue<double>(out var d) ? d : double.Parse(Raw(number), NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>Java's <c>Double.toString</c>, as Jackson writes a double (NaN and the infinities quoted).</summary>
    public static string JavaDouble(double d) =>
        double.IsNaN(d) ? "\"NaN\"" : double.IsInfinity(d) ? (d > 0 ? "\"Infinity\"" : "\"-Infinity\"") : JavaDecimal(d.ToString("R", CultureInfo.InvariantCulture), double.IsNegative(d), Math.Abs(d));

    /// <summary>Java's <c>Float.toString</c>, as Jackson writes a float.</summary>
    public static string JavaFloat(float f) =>
        float.IsNaN(f) ? "\"NaN\"" : float.IsInfinity(f) ? (f > 0 ? "\"Infinity\"" : "\"-Infinity\"") : JavaDecimal(f.ToString("R", CultureInfo.InvariantCulture), float.IsNegative(f), Math.Abs(f));

    private static StringBuilder Number(StringBuilder o, JsonValue number) =>
        o.Append(IsInteger(number) ? Integer(number).ToString(CultureInfo.InvariantCulture) : JavaDouble(Double(number)));

    private static string Raw(JsonValue number) => number.TryGetValue<JsonElement>(out var e) ? e.GetRawText() : number.ToJsonString();

    // Java writes 1.0E-3 <= |x| < 1.0E7 as plain decimals with at least one fraction digit, others as d.dddE±n.
    private static string JavaDecimal(string shortest, bool negative, double magnitude)
    {
        if (magnitude == 0)
        {
            return negative ? "-0.0" : "0.0";
        }

        var sign = shortest.StartsWith('-') ? "-" : "";
        var body = shortest.TrimStart('-');
        var e = body.IndexOfAny(['E', 'e']);
        var exponent = e < 0 ? 0 : int.Parse(body[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var mantissa = e < 0 ? body : body[..e];
        var point = mantissa.IndexOf('.');
        var digits = point < 0 ? mantissa : mantissa.Remove(point, 1);
        var intLength = (point < 0 ? mantissa.Length : point) + exponent;
        var lead = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        intLength -= lead;
        if (digits.Length == 0)
        {
            digits = "0";
        }

        // The value is 0.<digits> × 10^intLength.
        if (magnitude is >= 1e-3 and < 1e7)
        {
            var whole = intLength <= 0 ? "0" : digits.PadRight(intLength, '0')[..intLength];
            var fraction = intLength <= 0 ? new string('0', -intLength) + digits : digits.Length > intLength ? digits[intLength..] : "0";
            return sign + whole + "." + fraction;
        }

        return sign + digits[0] + "." + (digits.Length > 1 ? digits[1..] : "0") + "E" + (intLength - 1).ToString(CultureInfo.InvariantCulture);
    }
}

using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using Avro;
using Avro.Generic;

namespace ActorFlow.Avro.Tests.Support;

/// <summary>
/// The canonical form of an Avro value that the avsc fixtures (Fixtures/avsc/README.md) are written in, and its
/// conversion from and to Apache.Avro's generic values. A value is written as its underlying Avro value: int and long
/// as decimal strings, float and double as the hex of their little-endian bytes (so NaN, -0.0 and subnormals compare
/// exactly), bytes and fixed as hex, enums as the symbol, maps with keys sorted ordinally, records as an object of
/// their fields, and a union as <c>{"i": branch index, "v": value}</c>. Logical values are turned into their
/// underlying value here, not with Apache.Avro's conversions, so that a conversion error shows.
/// </summary>
internal static class AvscCanon
{
    private static readonly long EpochTicks = DateTime.UnixEpoch.Ticks;

    /// <summary>The canonical form of <paramref name="value"/>, read as <paramref name="schema"/>.</summary>
    public static JsonNode? Of(Schema schema, object? value)
    {
        switch (schema)
        {
            case LogicalSchema logical:
                return Logical(logical, value);
            case UnionSchema union:
                var index = Enumerable.Range(0, union.Count).First(i => Matches(union[i], value));
                return new JsonObject { ["i"] = index, ["v"] = Of(union[index], value) };
            case RecordSchema record:
                var fields = new JsonObject();
                foreach (var field in record.Fields)
                {
                    fields[field.Name] = Of(field.Schema, ((GenericRecord)value!)[field.Name]);
                }

                return fields;
            case EnumSchema:
                return ((GenericEnum)value!).Value;
            case FixedSchema:
                return Hex(((GenericFixed)value!).Value);
            case ArraySchema array:
                return new JsonArray(((IEnumerable)value!).Cast<object?>().Select(item => Of(array.ItemSchema, item)).ToArray());
            case MapSchema map:
                var entries = new JsonObject();
                var dictionary = (IDictionary)value!;
                foreach (var key in dictionary.Keys.Cast<string>().Order(StringComparer.Ordinal))
                {
                    entries[key] = Of(map.ValueSchema, dictionary[key]);
                }

                return entries;
            default:
                return schema.Tag switch
                {
                    Schema.Type.Null => null,
                    Schema.Type.Boolean => (bool)value!,
                    Schema.Type.Int => ((int)value!).ToString(CultureInfo.InvariantCulture),
                    Schema.Type.Long => ((long)value!).ToString(CultureInfo.InvariantCulture),
                    Schema.Type.Float => Hex(BitConverter.GetBytes((float)value!)),
                    Schema.Type.Double => Hex(BitConverter.GetBytes((double)value!)),
                    Schema.Type.Bytes => Hex((byte[])value!),
                    _ => (string)value!,
                };
        }
    }

    /// <summary>The Apache.Avro generic value of the canonical <paramref name="node"/> as <paramref name="schema"/>.</summary>
    public static object? ToValue(Schema schema, JsonNode? node)
    {
        switch (schema)
        {
            case LogicalSchema logical:
                var text = node!.GetValue<string>();
                return logical.LogicalTypeName switch
                {
                    "decimal" => new AvroDecimal(new BigInteger(Convert.FromHexString(text), isUnsigned: false, isBigEndian: true), Scale(logical)),
                    "uuid" => Guid.Parse(text),
                    "date" => DateTime.UnixEpoch.AddDays(long.Parse(text, CultureInfo.InvariantCulture)),
                    "time-millis" => TimeSpan.FromTicks(long.Parse(text, CultureInfo.InvariantCulture) * TimeSpan.TicksPerMillisecond),
                    "time-micros" => TimeSpan.FromTicks(long.Parse(text, CultureInfo.InvariantCulture) * 10),
                    "timestamp-millis" => new DateTime(EpochTicks + (long.Parse(text, CultureInfo.InvariantCulture) * TimeSpan.TicksPerMillisecond), DateTimeKind.Utc),
                    "timestamp-micros" => new DateTime(EpochTicks + (long.Parse(text, CultureInfo.InvariantCulture) * 10), DateTimeKind.Utc),
                    _ => throw new NotSupportedException(logical.LogicalTypeName),
                };
            case UnionSchema union:
                return ToValue(union[node!["i"]!.GetValue<int>()], node["v"]);
            case RecordSchema record:
                var result = new GenericRecord(record);
                foreach (var field in record.Fields)
                {
                    result.Add(field.Name, ToValue(field.Schema, node![field.Name]));
                }

                return result;
            case EnumSchema e:
                return new GenericEnum(e, node!.GetValue<string>());
            case FixedSchema f:
                return new GenericFixed(f, Convert.FromHexString(node!.GetValue<string>()));
            case ArraySchema array:
                return node!.AsArray().Select(item => ToValue(array.ItemSchema, item)).ToArray();
            case MapSchema map:
                return node!.AsObject().ToDictionary(entry => entry.Key, entry => ToValue(map.ValueSchema, entry.Value));
            default:
                return schema.Tag switch
                {
                    Schema.Type.Null => null,
                    Schema.Type.Boolean => node!.GetValue<bool>(),
                    Schema.Type.Int => int.Parse(node!.GetValue<string>(), CultureInfo.InvariantCulture),
                    Schema.Type.Long => long.Parse(node!.GetValue<string>(), CultureInfo.InvariantCulture),
                    Schema.Type.Float => BitConverter.ToSingle(Convert.FromHexString(node!.GetValue<string>())),
                    Schema.Type.Double => BitConverter.ToDouble(Convert.FromHexString(node!.GetValue<string>())),
                    Schema.Type.Bytes => Convert.FromHexString(node!.GetValue<string>()),
                    _ => node!.GetValue<string>(),
                };
        }
    }

    private static JsonNode? Logical(LogicalSchema logical, object? value)
    {
        switch (logical.LogicalTypeName)
        {
            case "decimal":
                var decimalValue = (AvroDecimal)value!;
                Assert.Equal(Scale(logical), decimalValue.Scale);
                var bytes = decimalValue.UnscaledValue.ToByteArray(isUnsigned: false, isBigEndian: true);
                if (logical.BaseSchema is FixedSchema fixedSchema)
                {
                    // A fixed decimal is sign-extended to the fixed size.
                    var full = Enumerable.Repeat(decimalValue.UnscaledValue.Sign < 0 ? (byte)0xFF : (byte)0, fixedSchema.Size).ToArray();
                    bytes.CopyTo(full, fixedSchema.Size - bytes.Length);
                    bytes = full;
                }

                return Hex(bytes);
            case "uuid":
                return ((Guid)value!).ToString("D");
            case "date":
                return ((long)(((DateTime)value!).Date - DateTime.UnixEpoch.Date).TotalDays).ToString(CultureInfo.InvariantCulture);
            case "time-millis":
                return (((TimeSpan)value!).Ticks / TimeSpan.TicksPerMillisecond).ToString(CultureInfo.InvariantCulture);
            case "time-micros":
                return (((TimeSpan)value!).Ticks / 10).ToString(CultureInfo.InvariantCulture);
            case "timestamp-millis":
            case "timestamp-micros":
                var instant = (DateTime)value!;
                Assert.Equal(DateTimeKind.Utc, instant.Kind);
                var perUnit = logical.LogicalTypeName == "timestamp-millis" ? TimeSpan.TicksPerMillisecond : 10;
                Assert.Equal(0, (instant.Ticks - EpochTicks) % perUnit);
                return ((instant.Ticks - EpochTicks) / perUnit).ToString(CultureInfo.InvariantCulture);
            default:
                throw new NotSupportedException(logical.LogicalTypeName);
        }
    }

    // Which union branch a generic value read by Apache.Avro belongs to (the fixtures' unions hold one branch per CLR type).
    private static bool Matches(Schema branch, object? value) => branch switch
    {
        LogicalSchema logical => logical.LogicalTypeName switch
        {
            "decimal" => value is AvroDecimal,
            "uuid" => value is Guid,
            "time-millis" or "time-micros" => value is TimeSpan,
            _ => value is DateTime,
        },
        RecordSchema record => value is GenericRecord r && r.Schema.Fullname == record.Fullname,
        EnumSchema e => value is GenericEnum g && g.Schema.Fullname == e.Fullname,
        FixedSchema f => value is GenericFixed g && g.Schema.Fullname == f.Fullname,
        ArraySchema => value is IList and not byte[],
        MapSchema => value is IDictionary,
        _ => branch.Tag switch
        {
            Schema.Type.Null => value is null,
            Schema.Type.Boolean => value is bool,
            Schema.Type.Int => value is int,
            Schema.Type.Long => value is long,
            Schema.Type.Float => value is float,
            Schema.Type.Double => value is double,
            Schema.Type.Bytes => value is byte[],
            _ => value is string,
        },
    };

    private static int Scale(LogicalSchema logical) => int.Parse(logical.GetProperty("scale") ?? "0", CultureInfo.InvariantCulture);

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();
}

using System.Numerics;
using System.Text;
using System.Text.Json.Nodes;
using Avro;
using Avro.Generic;
using Avro.IO;
using Newtonsoft.Json.Linq;
using AvroSchema = Avro.Schema;
using Encoder = Avro.IO.Encoder;

namespace ActorFlow.Avro.Internal;

/// <summary>
/// INTERNAL API. Apache.Avro's <see cref="GenericDatumReader{T}"/> with the defaults of reader fields the writer lacks
/// read as Apache Avro Java reads them. Both encode such a default from its JSON with the field's schema, then read it
/// (Java's <c>ResolvingGrammarGenerator.encode</c>, Apache.Avro's <c>Resolver.EncodeDefaultValue</c>), but Apache.Avro
/// refuses a <c>float</c> default given as a JSON integer (<c>0</c>), writes a <c>double</c> default through a
/// <c>float</c> (<c>0.1</c> read as 0.10000000149011612) and overflows on one beyond <c>int</c> (<c>10000000000</c>),
/// overflows on an <c>int</c> or <c>long</c> default out of range (Java truncates, as <c>intValue()</c> does) and refuses
/// a fixed default of another length (Java pads or cuts it), and takes no <c>float</c> or <c>double</c> default given as
/// a string (Java's parser makes <c>"NaN"</c> a number). Where Apache.Avro would encode a field's default otherwise than
/// Java, the reader is built on a copy of the reader schema whose default for that field is one Apache.Avro encodes, and
/// the field gets Java's value as each record is read. Records, enums and fixed values are still made with the reader
/// schema itself.
/// </summary>
internal static class JavaDefaults
{
    /// <summary>The reader of <paramref name="writer"/> data as <paramref name="reader"/>, with Java's defaults.</summary>
    /// <typeparam name="T">The type read.</typeparam>
    /// <param name="writer">The writer schema (after <see cref="WriterSchemaAdapter"/>).</param>
    /// <param name="reader">The reader schema.</param>
    /// <returns>Apache.Avro's reader, or one that puts Java's defaults in where Apache.Avro's would differ.</returns>
    /// <exception cref="AvroException">The writer schema does not resolve to the reader schema.</exception>
    public static GenericDatumReader<T> Reader<T>(AvroSchema writer, AvroSchema reader)
    {
        var plan = Plan.Of(writer, reader);
        return plan is null ? new GenericDatumReader<T>(writer, reader) : new Fixing<T>(writer, reader, plan);
    }

    /// <summary>
    /// Java's binary encoding of a default, or (with <paramref name="apache"/>) Apache.Avro's, which throws where
    /// Apache.Avro's does.
    /// </summary>
    private static void Encode(Encoder e, AvroSchema s, JToken? n, bool apache)
    {
        switch (s)
        {
            case LogicalSchema logical:
                Encode(e, logical.BaseSchema, n, apache);
                break;
            case RecordSchema record:
                if (apache && n?.Type != JTokenType.Object)
                {
                    throw new AvroException($"Default record value {n} is invalid, expected is json object.");
                }

                foreach (var field in record.Fields)
                {
                    var value = (n as JObject)?[field.Name] ?? (apache ? field.DefaultValue : JavaDefault(field)) ?? throw new AvroException($"No default value for: {field.Name}");
                    Encode(e, field.Schema, value, apache);
                }

                break;
            case EnumSchema @enum:
                e.WriteEnum(@enum.Ordinal(Text(n) ?? throw new AvroException($"Non-string default value for enum: {n}")));
                break;
            case ArraySchema array:
                var items = n switch
                {
                    JArray a => a.ToList(),
                    JObject o when !apache => o.PropertyValues().ToList(),
                    _ when !apache => [],
                    _ => throw new AvroException($"Default array value {n} is invalid, expected is json array."),
                };
                e.WriteArrayStart();
                e.SetItemCount(items.Count);
                foreach (var item in items)
                {
                    e.StartItem();
                    Encode(e, array.ItemSchema, item, apache);
                }

                e.WriteArrayEnd();
                break;
            case MapSchema map:
                var entries = n is JObject obj ? obj.Properties().ToList() : !apache ? [] : throw new AvroException($"Default map value {n} is invalid, expected is json object.");
                e.WriteMapStart();
                e.SetItemCount(entries.Count);
                foreach (var entry in entries)
                {
                    e.StartItem();
                    e.WriteString(entry.Name);
                    Encode(e, map.ValueSchema, entry.Value, apache);
                }

                e.WriteMapEnd();
                break;
            case UnionSchema union:
                // Apache.Avro: the first branch. Java (1.12, the specification's "first schema that matches"): the first
                // branch whose type the JSON value can be (ResolvingGrammarGenerator.isCompatible).
                var branch = apache ? 0 : union.Schemas.ToList().FindIndex(b => Compatible(b, n));
                if (branch < 0)
                {
                    throw new AvroException($"Not compatible default value for union: {n}");
                }

                e.WriteUnionIndex(branch);
                Encode(e, union.Schemas[branch], n, apache);
                break;
            case FixedSchema @fixed:
                var bytes = Encoding.Latin1.GetBytes(Text(n) ?? throw new AvroException($"Non-string default value for fixed: {n}"));
                if (bytes.Length != @fixed.Size)
                {
                    // Java cuts the bytes to the size or pads them with zeros (Arrays.copyOf); Apache.Avro refuses them.
                    var sized = apache ? throw new AvroException($"Default fixed value {n} is not of expected length {@fixed.Size}") : new byte[@fixed.Size];
                    Array.Copy(bytes, sized, Math.Min(bytes.Length, sized.Length));
                    bytes = sized;
                }

                e.WriteFixed(bytes);
                break;
            default:
                EncodePrimitive(e, s.Tag, n, apache);
                break;
        }
    }

    private static void EncodePrimitive(Encoder e, AvroSchema.Type tag, JToken? n, bool apache)
    {
        switch (tag)
        {
            case AvroSchema.Type.String:
                e.WriteString(Text(n) ?? throw new AvroException($"Non-string default value for string: {n}"));
                break;
            case AvroSchema.Type.Bytes:
                e.WriteBytes(Encoding.Latin1.GetBytes(Text(n) ?? throw new AvroException($"Non-string default value for bytes: {n}")));
                break;
            case AvroSchema.Type.Boolean:
                e.WriteBoolean(n?.Type == JTokenType.Boolean ? (bool)n : throw new AvroException($"Non-boolean default for boolean: {n}"));
                break;
            case AvroSchema.Type.Null:
                if (n?.Type != JTokenType.Null)
                {
                    throw new AvroException($"Non-null default value for null type: {n}");
                }

                e.WriteNull();
                break;
            case AvroSchema.Type.Int:
                // Apache.Avro: a JSON integer within int's range. Java: any number, as Jackson's intValue() gives it.
                e.WriteInt(apache
                    ? Integer(n) is { } i && i >= int.MinValue && i <= int.MaxValue ? (int)i : throw new AvroException($"Default int value {n} is invalid.")
                    : Integer(n) is { } bi ? unchecked((int)(uint)(bi & uint.MaxValue)) : JavaInt(Double(n)));
                break;
            case AvroSchema.Type.Long:
                e.WriteLong(apache
                    ? Integer(n) is { } l && l >= long.MinValue && l <= long.MaxValue ? (long)l : throw new AvroException($"Default long value {n} is invalid.")
                    : Integer(n) is { } bl ? unchecked((long)(ulong)(bl & ulong.MaxValue)) : JavaLong(Double(n)));
                break;
            case AvroSchema.Type.Float:
                // Apache.Avro: a JSON number with a fraction or exponent only. Java: (float) of any number's doubleValue().
                e.WriteFloat(apache && n?.Type != JTokenType.Float ? throw new AvroException($"Default float value {n} is invalid.") : (float)Double(n));
                break;
            case AvroSchema.Type.Double:
                // Apache.Avro: a JSON integer through an int, any other number through a float. Java: doubleValue().
                e.WriteDouble(!apache ? Double(n)
                    : n?.Type == JTokenType.Float ? (float)Double(n)
                    : Integer(n) is { } d && d >= int.MinValue && d <= int.MaxValue ? (int)d
                    : throw new AvroException($"Default double value {n} is invalid."));
                break;
            default:
                throw new AvroException($"Unsupported schema type {tag}");
        }
    }

    // Java's ResolvingGrammarGenerator.isCompatible: whether a union branch of this type can take the JSON value.
    private static bool Compatible(AvroSchema branch, JToken? n) => (branch is LogicalSchema l ? l.BaseSchema : branch).Tag switch
    {
        AvroSchema.Type.Fixed or AvroSchema.Type.String or AvroSchema.Type.Bytes => n?.Type == JTokenType.String,
        AvroSchema.Type.Int or AvroSchema.Type.Long or AvroSchema.Type.Float or AvroSchema.Type.Double => n?.Type is JTokenType.Integer or JTokenType.Float,
        AvroSchema.Type.Boolean => n?.Type == JTokenType.Boolean,
        AvroSchema.Type.Null => n is null || n.Type == JTokenType.Null,
        _ => true,
    };

    private static string? Text(JToken? n) => n?.Type == JTokenType.String ? (string?)n : null;

    // A JSON integer's value, or null for any other token.
    private static BigInteger? Integer(JToken? n) => n is JValue { Type: JTokenType.Integer } v
        ? v.Value is BigInteger big ? big : Convert.ToInt64(v.Value, System.Globalization.CultureInfo.InvariantCulture)
        : null;

    // Jackson's doubleValue() of a number node; a JSON value that is no number is no default of a number.
    private static double Double(JToken? n) => n switch
    {
        JValue { Type: JTokenType.Float } v => Convert.ToDouble(v.Value, System.Globalization.CultureInfo.InvariantCulture),
        JValue { Type: JTokenType.Integer } v => v.Value is BigInteger big ? (double)big : Convert.ToInt64(v.Value, System.Globalization.CultureInfo.InvariantCulture),
        _ => throw new AvroException($"Non-numeric default value: {n}"),
    };

    // Java's (int) and (long) of a double: NaN is 0, values beyond the range are its ends, fractions cut towards zero.
    private static int JavaInt(double d) => double.IsNaN(d) ? 0 : d >= int.MaxValue ? int.MaxValue : d <= int.MinValue ? int.MinValue : (int)d;

    private static long JavaLong(double d) => double.IsNaN(d) ? 0 : d >= long.MaxValue ? long.MaxValue : d <= long.MinValue ? long.MinValue : (long)d;

    // The bytes of the default, or null when the encoding throws.
    private static byte[]? Encoded(AvroSchema schema, JToken? value, bool apache)
    {
        using var stream = new MemoryStream();
        try
        {
            Encode(new BinaryEncoder(stream), schema, value, apache);
        }
        catch (Exception e) when (e is AvroException or OverflowException or InvalidCastException or FormatException or ArgumentException)
        {
            return null;
        }

        return stream.ToArray();
    }

    // A field's default as Java's parser keeps it: a string default of a float or double field is the number.
    private static JToken? JavaDefault(Field field) =>
        field.Schema.Tag is AvroSchema.Type.Float or AvroSchema.Type.Double && field.DefaultValue is { Type: JTokenType.String } text
            ? new JValue(Registry.JavaSchemaText.JavaDoubleValueOf((string)text!))
            : field.DefaultValue;

    /// <summary>
    /// A default Apache.Avro encodes without failing, for the copy of the reader schema the reader is built on: the
    /// field's value is replaced as each record is read.
    /// </summary>
    private static JToken Safe(AvroSchema schema) => schema switch
    {
        LogicalSchema logical => Safe(logical.BaseSchema),
        RecordSchema record => new JObject(record.Fields.Select(f => new JProperty(f.Name, Safe(f.Schema)))),
        EnumSchema @enum => new JValue(@enum.Symbols[0]),
        ArraySchema => new JArray(),
        MapSchema => new JObject(),
        UnionSchema union => Safe(union.Schemas[0]),
        FixedSchema @fixed => new JValue(new string('\0', @fixed.Size)),
        _ => schema.Tag switch
        {
            AvroSchema.Type.Null => JValue.CreateNull(),
            AvroSchema.Type.Boolean => new JValue(false),
            AvroSchema.Type.Int or AvroSchema.Type.Long or AvroSchema.Type.Double => new JValue(0L),
            AvroSchema.Type.Float => new JValue(0d),
            _ => new JValue(string.Empty),
        },
    };

    /// <summary>The fields whose default is read as Java reads it, and the copy of the reader schema the reader is built on.</summary>
    private sealed class Plan
    {
        private Plan(AvroSchema safe, Dictionary<string, NamedSchema> originals, Dictionary<string, Dictionary<string, Func<object?>>> fixes)
        {
            Safe = safe;
            Originals = originals;
            Fixes = fixes;
        }

        /// <summary>Gets the reader schema with defaults Apache.Avro encodes in place of the fields' own.</summary>
        public AvroSchema Safe { get; }

        /// <summary>Gets the reader schema's named types by full name.</summary>
        public Dictionary<string, NamedSchema> Originals { get; }

        /// <summary>Gets, by record full name, the fields given Java's default and a maker of its value.</summary>
        public Dictionary<string, Dictionary<string, Func<object?>>> Fixes { get; }

        /// <summary>The plan for the pair, or null when Apache.Avro reads every default of it as Java does.</summary>
        public static Plan? Of(AvroSchema writer, AvroSchema reader)
        {
            var readerRecords = SchemaNodes.Of(reader).Select(n => n.Node).OfType<RecordSchema>().ToDictionary(r => r.Fullname);
            var missing = new List<(RecordSchema Record, Field Field)>();
            foreach (var w in SchemaNodes.Of(writer).Select(n => n.Node).OfType<RecordSchema>())
            {
                if (readerRecords.TryGetValue(w.Fullname, out var r))
                {
                    missing.AddRange(r.Fields.Where(f => !w.Contains(f.Name) && f.DefaultValue is not null).Select(f => (r, f)));
                }
            }

            // A field whose default Apache.Avro encodes otherwise than Java (a default Java cannot encode either is left
            // to Apache.Avro); then one whose default holds a record with such a field (Apache.Avro's reading of that
            // default would get the field's own default, not the one the value gives), and so on.
            var java = missing.Where(m => Encoded(m.Field.Schema, JavaDefault(m.Field), apache: false) is not null).ToList();
            var fixedFields = java.Where(m => Encoded(m.Field.Schema, m.Field.DefaultValue, apache: true) is not { } theirs ||
                !theirs.AsSpan().SequenceEqual(Encoded(m.Field.Schema, JavaDefault(m.Field), apache: false))).ToHashSet();
            if (fixedFields.Count == 0)
            {
                return null;
            }

            for (var grown = true; grown;)
            {
                var records = fixedFields.Select(f => f.Record.Fullname).ToHashSet();
                var more = java.Where(m => !fixedFields.Contains(m) && SchemaNodes.Of(m.Field.Schema).Any(n => n.Node is RecordSchema r && records.Contains(r.Fullname))).ToList();
                fixedFields.UnionWith(more);
                grown = more.Count > 0;
            }

            var fixes = new Dictionary<string, Dictionary<string, Func<object?>>>();
            foreach (var (record, field) in fixedFields)
            {
                var bytes = Encoded(field.Schema, JavaDefault(field), apache: false)!;
                var read = new GenericDatumReader<object>(field.Schema, field.Schema);
                (fixes.TryGetValue(record.Fullname, out var fields) ? fields : fixes[record.Fullname] = [])[field.Name] =
                    () => read.Read(null!, new BinaryDecoder(new MemoryStream(bytes, writable: false)));
            }

            var originals = SchemaNodes.Of(reader).Select(n => n.Node).OfType<NamedSchema>().GroupBy(n => n.Fullname).ToDictionary(g => g.Key, g => g.First());
            var safeFields = fixedFields.Select(f => (f.Record.Fullname, f.Field.Name, Default: JavaDefaults.Safe(f.Field.Schema))).ToList();
            return new Plan(IgnoredLogicalTypes.Parse(WithDefaults(reader.ToString(), safeFields)), originals, fixes);
        }

        // The schema's JSON (Apache.Avro's) with the defaults of the given record fields replaced.
        private static string WithDefaults(string json, List<(string Record, string Field, JToken Default)> defaults)
        {
            var root = JsonNode.Parse(json);
            Walk(root, null);
            return root!.ToJsonString();

            void Walk(JsonNode? node, string? space)
            {
                switch (node)
                {
                    case JsonArray array:
                        foreach (var item in array)
                        {
                            Walk(item, space);
                        }

                        break;
                    case JsonObject obj:
                        var type = obj["type"] is JsonValue t && t.TryGetValue<string>(out var s) ? s : null;
                        if (type is "record" or "error" or "enum" or "fixed" && obj["name"] is JsonValue n && n.TryGetValue<string>(out var name))
                        {
                            var dot = name.LastIndexOf('.');
                            space = dot >= 0 ? name[..dot] : obj["namespace"] is JsonValue ns && ns.TryGetValue<string>(out var given) ? given : space;
                            var full = dot >= 0 || string.IsNullOrEmpty(space) ? name : $"{space}.{name}";
                            foreach (var field in obj["fields"] as JsonArray ?? [])
                            {
                                if (field is JsonObject f && f["name"] is JsonValue fn && fn.TryGetValue<string>(out var fieldName) &&
                                    defaults.FirstOrDefault(d => d.Record == full && d.Field == fieldName) is { Default: { } safe })
                                {
                                    f["default"] = JsonNode.Parse(safe.ToString(Newtonsoft.Json.Formatting.None));
                                }
                            }
                        }

                        foreach (var (_, value) in obj)
                        {
                            Walk(value, space);
                        }

                        break;
                }
            }
        }
    }

    /// <summary>The generic reader on the plan's copy of the reader schema, making values of the reader schema itself.</summary>
    private sealed class Fixing<T>(AvroSchema writer, AvroSchema reader, Plan plan) : GenericDatumReader<T>(writer, plan.Safe), DatumReader<T>
    {
        // Set before the base constructor runs, which asks for the accesses below.
        private readonly Plan _plan = plan;

        AvroSchema DatumReader<T>.ReaderSchema => reader;

        protected override RecordAccess GetRecordAccess(RecordSchema readerSchema)
        {
            var original = (RecordSchema)Original(readerSchema);
            var access = base.GetRecordAccess(original);
            return _plan.Fixes.TryGetValue(original.Fullname, out var fields) ? new FixingAccess(access, fields) : access;
        }

        protected override EnumAccess GetEnumAccess(EnumSchema readerSchema) => base.GetEnumAccess((EnumSchema)Original(readerSchema));

        protected override FixedAccess GetFixedAccess(FixedSchema readerSchema) => base.GetFixedAccess((FixedSchema)Original(readerSchema));

        private NamedSchema Original(NamedSchema copy) => _plan.Originals.TryGetValue(copy.Fullname, out var original) ? original : copy;

        // A record access giving the planned fields Java's default in place of the value read from the copy's default.
        private sealed class FixingAccess(RecordAccess inner, Dictionary<string, Func<object?>> fields) : RecordAccess
        {
            public object CreateRecord(object reuse) => inner.CreateRecord(reuse);

            public object GetField(object record, string fieldName, int fieldPos) => inner.GetField(record, fieldName, fieldPos);

            public void AddField(object record, string fieldName, int fieldPos, object fieldValue) =>
                inner.AddField(record, fieldName, fieldPos, fields.TryGetValue(fieldName, out var java) ? java()! : fieldValue);
        }
    }
}

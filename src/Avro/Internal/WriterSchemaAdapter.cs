using System.Text;
using System.Text.Json;
using Avro;

namespace ActorFlow.Avro.Internal;

/// <summary>
/// INTERNAL API. Rewrites a writer schema into an equivalent one (the same binary encoding) that Apache.Avro's resolving
/// reader accepts for the resolution rules it lacks: a writer field read through a reader field's alias is renamed to the
/// reader field, a writer record, enum or fixed read through a reader's alias, or of the reader's unqualified name in another namespace
/// (as Java matches them), gets the reader's name, and a writer
/// <c>string</c> read as <c>bytes</c> (or the reverse) becomes the reader's type, since both are encoded as a length and bytes.
/// A writer union holding both <c>string</c> and <c>bytes</c> then has two branches of the reader's type, which Apache.Avro's
/// parser refuses ("Duplicate type in union") but its readers take (each writer branch index keeps its own branch reader), so
/// the second one is parsed as a stand-in and put in place after parsing: the adapted schema is only ever given to a reader.
/// A logical annotation on one side only (a <c>long</c> read as a <c>timestamp-millis</c>, a <c>uuid</c> read as a
/// <c>string</c>) is made the reader's: Apache.Avro resolves a logical type only against a logical type, where Java
/// resolves the underlying types and converts with the reader's logical type, if any.
/// </summary>
internal static class WriterSchemaAdapter
{
    // The namespace of the stand-ins for a union's second branch of one type; a name there never reaches a reader.
    private const string StandIn = "actorflow.internal.adapter";

    public static Schema Adapt(Schema writer, Schema reader)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            Emit(json, writer, reader, new Names(writer));
        }

        var adapted = IgnoredLogicalTypes.Parse(Encoding.UTF8.GetString(stream.ToArray()));
        PutStandInsInPlace(adapted);
        return adapted;
    }

    private static void Emit(Utf8JsonWriter json, Schema w, Schema? r, Names defined)
    {
        r = r is UnionSchema ru && w is not UnionSchema ? Branch(ru, w) : r;
        if (w is LogicalSchema { LogicalTypeName: "decimal" } wd && r is LogicalSchema { LogicalTypeName: "decimal" } rd && Scale(wd) != Scale(rd))
        {
            // The same unscaled integer read at another scale is another number (12.34 written at scale 2 read as 0.1234
            // at scale 4), with no error: the specification matches two decimals only of equal scale and precision.
            // A wider precision at the same scale reads the same numbers and is let through, as Java's resolver does.
            throw new AvroException($"a decimal of scale {Scale(wd)} (writer) cannot be read as a decimal of scale {Scale(rd)} (reader): the same bytes would be another number");
        }

        switch (w)
        {
            // A logical annotation on one side only: the writer as its underlying type when the reader has none, or
            // annotated as the reader is when only the reader has one (then the reader's logical type converts the value).
            case LogicalSchema logical when r is not null and not LogicalSchema:
                Emit(json, logical.BaseSchema, r, defined);
                break;
            case FixedSchema or PrimitiveSchema when r is LogicalSchema readerLogical:
                EmitAnnotated(json, w, readerLogical, defined);
                break;
            case LogicalSchema { BaseSchema: FixedSchema f } logical:
                EmitFixed(json, f, Base(r), defined, logical);
                break;
            case LogicalSchema:
                json.WriteRawValue(w.ToString());
                break;
            case PrimitiveSchema when Promoted(w, r) is { } promoted:
                json.WriteStringValue(promoted);
                break;
            case PrimitiveSchema:
                json.WriteRawValue(w.ToString());
                break;
            case RecordSchema record:
                EmitRecord(json, record, r as RecordSchema, defined);
                break;
            case EnumSchema e:
                var enumName = NameFor(e, r, defined);
                if (!defined.Add(enumName))
                {
                    json.WriteStringValue(enumName);
                    break;
                }

                json.WriteStartObject();
                json.WriteString("type", "enum");
                json.WriteString("name", enumName);
                json.WriteStartArray("symbols");
                foreach (var s in e.Symbols)
                {
                    json.WriteStringValue(s);
                }

                json.WriteEndArray();
                json.WriteEndObject();
                break;
            case FixedSchema f:
                EmitFixed(json, f, r, defined, null);
                break;
            case ArraySchema a:
                json.WriteStartObject();
                json.WriteString("type", "array");
                json.WritePropertyName("items");
                Emit(json, a.ItemSchema, (r as ArraySchema)?.ItemSchema, defined);
                json.WriteEndObject();
                break;
            case MapSchema m:
                json.WriteStartObject();
                json.WriteString("type", "map");
                json.WritePropertyName("values");
                Emit(json, m.ValueSchema, (r as MapSchema)?.ValueSchema, defined);
                json.WriteEndObject();
                break;
            case UnionSchema u:
                var branches = u.Schemas.Select(b => (Writer: b, Reader: r is UnionSchema ru2 ? Branch(ru2, b) : r)).ToList();
                var types = branches.Where(b => Promoted(b.Writer, b.Reader) is null).Select(b => b.Writer.Fullname).ToHashSet();
                json.WriteStartArray();
                foreach (var (branch, readerBranch) in branches)
                {
                    if (Promoted(branch, readerBranch) is { } promoted && !types.Add(promoted))
                    {
                        var standIn = $"{StandIn}.{promoted}{defined.Count}";
                        defined.Add(standIn);
                        json.WriteStartObject();
                        json.WriteString("type", "fixed");
                        json.WriteString("name", standIn);
                        json.WriteNumber("size", 1);
                        json.WriteEndObject();
                        continue;
                    }

                    Emit(json, branch, readerBranch, defined);
                }

                json.WriteEndArray();
                break;
            default:
                json.WriteRawValue(w.ToString());
                break;
        }
    }

    // A fixed, defined once (later uses name it). A logical type over it (a decimal, a duration) goes into the definition
    // with its attributes ("logicalType", "precision", "scale"), as the specification writes it: Apache.Avro's own text of
    // such a schema nests the fixed's definition inside the logical one, which the names seen here would not track.
    private static void EmitFixed(Utf8JsonWriter json, FixedSchema f, Schema? r, Names defined, LogicalSchema? logical)
    {
        var name = NameFor(f, r, defined);
        if (!defined.Add(name))
        {
            json.WriteStringValue(name);
            return;
        }

        json.WriteStartObject();
        json.WriteString("type", "fixed");
        json.WriteString("name", name);
        json.WriteNumber("size", f.Size);
        if (logical is not null)
        {
            WriteLogicalAttributes(json, logical);
        }

        json.WriteEndObject();
    }

    // A writer fixed or primitive with the reader's logical type and its attributes: Apache.Avro resolves a logical type
    // only against a logical type (on the underlying types, then the reader's converts the value). On another underlying
    // type (an int read as a timestamp-millis long) the writer's annotation does not fit: it is ignored, as any the
    // writer's schema itself would hold.
    private static void EmitAnnotated(Utf8JsonWriter json, Schema w, LogicalSchema reader, Names defined)
    {
        if (w is FixedSchema f)
        {
            EmitFixed(json, f, reader.BaseSchema, defined, reader);
            return;
        }

        json.WriteStartObject();
        json.WriteString("type", Promoted(w, reader) ?? w.Name);
        WriteLogicalAttributes(json, reader);
        json.WriteEndObject();
    }

    // "logicalType" and the logical type's other attributes ("precision", "scale"), as Apache.Avro writes them.
    private static void WriteLogicalAttributes(Utf8JsonWriter json, LogicalSchema logical)
    {
        using var doc = JsonDocument.Parse(logical.ToString());
        foreach (var attribute in doc.RootElement.EnumerateObject().Where(p => p.Name != "type"))
        {
            attribute.WriteTo(json);
        }
    }

    // The reader's type a writer string or bytes is read as when it is the other one of the two, else null.
    private static string? Promoted(Schema w, Schema? r) => (w, Base(r)?.Tag) switch
    {
        (PrimitiveSchema { Tag: Schema.Type.String }, Schema.Type.Bytes) => "bytes",
        (PrimitiveSchema { Tag: Schema.Type.Bytes }, Schema.Type.String) => "string",
        _ => null,
    };

    // Replaces each stand-in union branch with the primitive it stands for. UnionSchema.Schemas is the parser's list.
    private static void PutStandInsInPlace(Schema schema)
    {
        foreach (var union in SchemaNodes.Of(schema).Select(n => n.Node).OfType<UnionSchema>().ToList())
        {
            for (var i = 0; i < union.Count; i++)
            {
                if (union[i] is FixedSchema { Namespace: StandIn } standIn)
                {
                    union.Schemas[i] = PrimitiveSchema.Create(standIn.Name.StartsWith("string", StringComparison.Ordinal) ? Schema.Type.String : Schema.Type.Bytes);
                }
            }
        }
    }

    private static void EmitRecord(Utf8JsonWriter json, RecordSchema w, RecordSchema? r, Names defined)
    {
        var name = NameFor(w, r, defined);
        if (!defined.Add(name))
        {
            json.WriteStringValue(name);
            return;
        }

        json.WriteStartObject();
        json.WriteString("type", "record");
        json.WriteString("name", name);
        json.WriteStartArray("fields");
        foreach (var field in w.Fields)
        {
            var readerField = r is null ? null : ReaderField(r, field.Name);
            json.WriteStartObject();
            json.WriteString("name", readerField?.Name ?? field.Name);
            json.WritePropertyName("type");
            Emit(json, field.Schema, readerField?.Schema, defined);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static Field? ReaderField(RecordSchema reader, string writerName)
    {
        if (reader.TryGetField(writerName, out var f))
        {
            return f;
        }

        return reader.Fields.FirstOrDefault(rf => rf.Aliases?.Contains(writerName) == true);
    }

    // A writer's named type takes the name of the reader's type of the same kind where Java matches them: the same
    // unqualified name (another namespace; Java's Resolver compares an enum's or fixed's unqualified name and no record
    // name, its SchemaCompatibility the unqualified names), or the writer's name among the reader's aliases. Unless that
    // name belongs to another of the writer's types, or another writer type took it already (two writer types of one
    // unqualified name read as one reader type): renamed, the second would be emitted as a reference to the first and
    // its data read with the first one's layout; kept, Apache.Avro refuses the pair with a clear error.
    private static string NameFor(NamedSchema w, Schema? r, Names defined)
    {
        if (r is not NamedSchema named || named.Tag != w.Tag || named.Fullname == w.Fullname
            || !(named.Name == w.Name || AliasesOf(named).Any(a => a == w.Fullname || a == w.Name || a == $"{named.Namespace}.{w.Name}")))
        {
            return w.Fullname;
        }

        return defined.MayRename(w.Fullname, named.Fullname) ? named.Fullname : w.Fullname;
    }

    private static IEnumerable<string> AliasesOf(NamedSchema schema)
    {
        using var doc = JsonDocument.Parse(schema.ToString());
        return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("aliases", out var aliases)
            ? aliases.EnumerateArray().Select(a => a.GetString() ?? "").ToList()
            : [];
    }

    private static Schema? Branch(UnionSchema reader, Schema writer)
    {
        var w = Base(writer)!;
        return reader.Schemas.FirstOrDefault(s => Base(s)!.Tag == w.Tag && (s is not NamedSchema n || n.Fullname == ((NamedSchema)w).Fullname))
            ?? reader.Schemas.FirstOrDefault(s => Base(s)!.Tag == w.Tag && s is NamedSchema n && n.Name == ((NamedSchema)w).Name) // another namespace
            ?? reader.Schemas.FirstOrDefault(s => Base(s)!.Tag == w.Tag)
            ?? reader.Schemas.FirstOrDefault(s => (w.Tag, Base(s)!.Tag) is (Schema.Type.String, Schema.Type.Bytes) or (Schema.Type.Bytes, Schema.Type.String));
    }

    private static Schema? Base(Schema? s) => s is LogicalSchema l ? l.BaseSchema : s;

    /// <summary>
    /// The names of one adaptation: those emitted (a named type is defined once, later uses name it), the writer's own
    /// named types, and which writer type took a reader's name.
    /// </summary>
    private sealed class Names
    {
        private readonly HashSet<string> _emitted = new(StringComparer.Ordinal);
        private readonly HashSet<string> _writers = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _renamedFrom = new(StringComparer.Ordinal);

        public Names(Schema writer) => Collect(writer, new HashSet<Schema>(ReferenceEqualityComparer.Instance));

        public int Count => _emitted.Count;

        /// <summary>Notes <paramref name="name"/> as emitted; false when it was already (then it is named, not defined).</summary>
        public bool Add(string name) => _emitted.Add(name);

        /// <summary>
        /// Whether the writer's type <paramref name="from"/> may take the reader's name <paramref name="target"/>: the
        /// same type took it before, or no other writer type has or took it.
        /// </summary>
        public bool MayRename(string from, string target)
        {
            if (_renamedFrom.TryGetValue(target, out var earlier))
            {
                return earlier == from;
            }

            if (_writers.Contains(target) || _emitted.Contains(target))
            {
                return false;
            }

            _renamedFrom[target] = from;
            return true;
        }

        private void Collect(Schema schema, HashSet<Schema> seen)
        {
            if (!seen.Add(schema))
            {
                return;
            }

            switch (schema)
            {
                case LogicalSchema logical:
                    Collect(logical.BaseSchema, seen);
                    break;
                case RecordSchema record:
                    _writers.Add(record.Fullname);
                    foreach (var field in record.Fields)
                    {
                        Collect(field.Schema, seen);
                    }

                    break;
                case NamedSchema named:
                    _writers.Add(named.Fullname);
                    break;
                case ArraySchema array:
                    Collect(array.ItemSchema, seen);
                    break;
                case MapSchema map:
                    Collect(map.ValueSchema, seen);
                    break;
                case UnionSchema union:
                    foreach (var branch in union.Schemas)
                    {
                        Collect(branch, seen);
                    }

                    break;
            }
        }
    }

    // A decimal's scale: its "scale" property, 0 when absent.
    private static int Scale(LogicalSchema decimalSchema) =>
        decimalSchema.GetProperty("scale") is { } text && int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var scale) ? scale : 0;
}

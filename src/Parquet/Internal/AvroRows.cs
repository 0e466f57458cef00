using System.Collections;
using System.Globalization;
using Avro;
using Avro.Generic;
using Avro.IO;
using Avro.Specific;
using global::Parquet.Schema;
using global::Parquet.Serialization;
using Newtonsoft.Json.Linq;
using Field = global::Parquet.Schema.Field;

namespace ActorFlow.Parquet.Internal;

/// <summary>
/// INTERNAL API. Rows as Avro records of a reader schema: the inverse of <see cref="AvroFileSchema"/>'s mapping (a
/// struct is a record, a LIST an array, a MAP a map, TIMESTAMP a timestamp-millis/micros <see cref="DateTime"/> in UTC,
/// DATE a date, DECIMAL an <see cref="AvroDecimal"/> of the schema's scale, UUID a <see cref="Guid"/>), by field name as
/// Avro's schema resolution: a field the file lacks takes its default (a field without one fails the file), a column
/// the schema lacks is not kept, an int widens to long, float or double. Unions other than <c>["null", X]</c> are refused.
/// </summary>
internal sealed class AvroRows : RowGroupRows<GenericRecord>
{
    private readonly RecordSchema _schema;

    public AvroRows(RecordSchema schema)
    {
        _schema = schema;
        CheckUnions(schema, schema.Name, []);
    }

    public override string Name => _schema.Fullname;

    public override void Check(ParquetSchema file, string path)
    {
        var columns = file.Fields.ToDictionary(f => f.Name, StringComparer.Ordinal);
        foreach (var field in _schema.Fields)
        {
            if (!columns.TryGetValue(field.Name, out var column))
            {
                if (field.DefaultValue is null)
                {
                    throw new InvalidDataException($"Parquet input '{path}' has no column '{field.Name}', and field '{field.Name}' of {_schema.Fullname} has no default.");
                }

                continue;
            }

            if (Kind(column) is var found && Kind(NonNull(field.Schema)) is var wanted && found != wanted)
            {
                throw new InvalidDataException($"Parquet input '{path}': column '{field.Name}' is a {found} in the file but field '{field.Name}' of {_schema.Fullname} is a {wanted}.");
            }
        }
    }

    public override async ValueTask<int> ReadAsync(Stream stream, int rowGroup, int start, Action<GenericRecord, int> add, CancellationToken cancellationToken)
    {
        var read = await ParquetSerializer.DeserializeUntypedAsync(stream, null, rowGroup, cancellationToken).ConfigureAwait(false);
        var columns = read.Schema.Fields;
        var rows = read.Data;
        for (var row = start; row < rows.Count; row++)
        {
            add(Record(_schema, rows[row], _schema.Name, columns), row);
        }

        return rows.Count;
    }

    private static string Kind(Field field) => field switch
    {
        StructField => "struct",
        ListField => "list",
        MapField => "map",
        _ => "value",
    };

    private static string Kind(Schema schema) => schema.Tag switch
    {
        Schema.Type.Record => "struct",
        Schema.Type.Array => "list",
        Schema.Type.Map => "map",
        _ => "value",
    };

    private static Schema NonNull(Schema schema) =>
        schema is UnionSchema union ? union.Schemas.First(s => s.Tag != Schema.Type.Null) : schema;

    private static void CheckUnions(Schema schema, string path, HashSet<string> seen)
    {
        switch (schema)
        {
            case UnionSchema union when union.Schemas.Count(s => s.Tag != Schema.Type.Null) != 1:
                throw new ArgumentException($"Field '{path}' is a union of {string.Join(", ", union.Schemas.Select(s => s.Fullname))}: only [\"null\", X] unions have a Parquet form.", nameof(schema));
            case UnionSchema union:
                CheckUnions(NonNull(union), path, seen);
                break;
            case RecordSchema record when seen.Add(record.Fullname):
                foreach (var field in record.Fields)
                {
                    CheckUnions(field.Schema, path + "." + field.Name, seen);
                }

                break;
            case ArraySchema array:
                CheckUnions(array.ItemSchema, path + "[]", seen);
                break;
            case MapSchema map:
                CheckUnions(map.ValueSchema, path + "{}", seen);
                break;
        }
    }

    /// <summary>
    /// A record from a struct's (or row's) values. Parquet.Net leaves a null out of the values, as it leaves out a
    /// column the file lacks: a field whose column the file has (<paramref name="columns"/>) is null there, a field
    /// whose column it lacks takes its default.
    /// </summary>
    private static GenericRecord Record(RecordSchema schema, IDictionary values, string path, IReadOnlyList<Field> columns)
    {
        var record = new GenericRecord(schema);
        foreach (var field in schema.Fields)
        {
            var fieldPath = path + "." + field.Name;
            var column = columns.FirstOrDefault(c => c.Name == field.Name);
            record.Add(field.Pos, column is not null
                ? Value(field.Schema, values.Contains(field.Name) ? values[field.Name] : null, fieldPath, column)
                : field.DefaultValue is { } fallback
                    ? Default(field.Schema, fallback, fieldPath)
                    : throw new InvalidDataException($"the file has no column '{fieldPath[(fieldPath.IndexOf('.', StringComparison.Ordinal) + 1)..]}', and field '{fieldPath}' has no default"));
        }

        return record;
    }

    private static object? Value(Schema schema, object? value, string path, Field? column)
    {
        if (schema is UnionSchema union)
        {
            return value is null && union.Schemas.Any(s => s.Tag == Schema.Type.Null) ? null : Value(NonNull(union), value, path, column);
        }

        if (value is null)
        {
            throw new InvalidDataException($"field '{path}' is null in the file but its schema ({schema.Fullname}) does not allow null");
        }

        return schema switch
        {
            LogicalSchema logical => Logical(logical, value, path, column),
            RecordSchema record when value is IDictionary members && column is StructField struc => Record(record, members, path, struc.Fields),
            ArraySchema array when value is IEnumerable items and not string and not byte[] => items.Cast<object?>().Select((item, i) => Value(array.ItemSchema, item, path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]", (column as ListField)?.Item)).ToArray(),
            MapSchema map when value is IDictionary entries => Map(map, entries, path, (column as MapField)?.Value),
            EnumSchema symbols => Symbol(symbols, Text(value, path), path),
            FixedSchema size => Fixed(size, Bytes(value, path), path),
            PrimitiveSchema primitive => Primitive(primitive.Tag, value, path),
            _ => throw Mismatch(path, schema.Fullname, value),
        };
    }

    private static Dictionary<string, object?> Map(MapSchema schema, IDictionary entries, string path, Field? column)
    {
        var map = new Dictionary<string, object?>(entries.Count, StringComparer.Ordinal);
        foreach (DictionaryEntry entry in entries)
        {
            var key = Text(entry.Key, path);
            map[key] = Value(schema.ValueSchema, entry.Value, path + "{" + key + "}", column);
        }

        return map;
    }

    private static object Primitive(Schema.Type type, object value, string path) => (type, value) switch
    {
        (Schema.Type.Boolean, bool b) => b,
        (Schema.Type.Int, int or short or sbyte or byte or ushort) => Convert.ToInt32(value, CultureInfo.InvariantCulture),
        (Schema.Type.Long, long or int or short or sbyte or byte or ushort or uint) => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        (Schema.Type.Float, float or int or long or short or sbyte or byte or ushort or uint) => Convert.ToSingle(value, CultureInfo.InvariantCulture),
        (Schema.Type.Double, double or float or int or long or short or sbyte or byte or ushort or uint) => Convert.ToDouble(value, CultureInfo.InvariantCulture),
        (Schema.Type.String, _) => Text(value, path),
        (Schema.Type.Bytes, _) => Bytes(value, path),
        _ => throw Mismatch(path, type.ToString().ToLowerInvariant(), value),
    };

    private static object Logical(LogicalSchema schema, object value, string path, Field? column)
    {
        switch (schema.LogicalTypeName)
        {
            case "timestamp-millis":
            case "timestamp-micros":
                return value switch
                {
                    // Parquet.Net marks a TIMESTAMP not adjusted to UTC (a wall-clock time) Local without moving it: it reads as that time in UTC.
                    DateTime t => t.Kind == DateTimeKind.Utc ? t : DateTime.SpecifyKind(t, DateTimeKind.Utc),
                    DateTimeOffset t => t.UtcDateTime,
                    long ticks when column is null && schema.LogicalTypeName == "timestamp-millis" => DateTime.UnixEpoch.AddMilliseconds(ticks), // a default
                    long ticks when column is null => DateTime.UnixEpoch.AddTicks(ticks * 10),
                    _ => throw Mismatch(path, schema.LogicalTypeName, value),
                };
            case "date":
                return value switch
                {
                    DateTime t => DateTime.SpecifyKind(t.Date, DateTimeKind.Utc),
                    DateOnly d => d.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
                    int days when column is null => DateTime.UnixEpoch.AddDays(days), // a default
                    _ => throw Mismatch(path, "date", value),
                };
            case "decimal":
                var scale = int.Parse(schema.GetProperty("scale") ?? "0", CultureInfo.InvariantCulture);
                return value switch
                {
                    decimal d when Math.Round(d, scale) == d => new AvroDecimal(Math.Round(d, scale) + new decimal(0, 0, 0, false, (byte)scale)),
                    decimal d => throw new InvalidDataException($"field '{path}': {d.ToString(CultureInfo.InvariantCulture)} has more than the {scale} decimal places of its schema"),
                    _ => throw Mismatch(path, "decimal", value),
                };
            case "uuid":
                return value switch
                {
                    Guid g => g,
                    string s when Guid.TryParse(s, out var g) => g,
                    ReadOnlyMemory<char> s when Guid.TryParse(s.Span, out var g) => g,
                    _ => throw Mismatch(path, "uuid", value),
                };
            default:
                return Value(schema.BaseSchema, value, path, column)!;
        }
    }

    private static GenericEnum Symbol(EnumSchema schema, string symbol, string path) =>
        schema.Contains(symbol) ? new GenericEnum(schema, symbol)
        : schema.Default is { } fallback ? new GenericEnum(schema, fallback)
        : throw new InvalidDataException($"field '{path}': '{symbol}' is not a symbol of {schema.Fullname} ({string.Join(", ", schema.Symbols)})");

    private static GenericFixed Fixed(FixedSchema schema, byte[] bytes, string path) =>
        bytes.Length == schema.Size ? new GenericFixed(schema, bytes)
        : throw new InvalidDataException($"field '{path}' holds {bytes.Length} bytes but {schema.Fullname} is fixed({schema.Size})");

    private static string Text(object value, string path) => value switch
    {
        string s => s,
        ReadOnlyMemory<char> m => m.ToString(),
        Guid g => g.ToString(),
        _ => throw Mismatch(path, "string", value),
    };

    private static byte[] Bytes(object value, string path) => value switch
    {
        byte[] b => b,
        ReadOnlyMemory<byte> m => m.ToArray(),
        _ => throw Mismatch(path, "bytes", value),
    };

    private static InvalidDataException Mismatch(string path, string expected, object value) =>
        new($"field '{path}' should be {expected} but the file holds a {value.GetType().Name}");

    /// <summary>A field's JSON default as a generic value (Avro's rules: a union's default is of its first branch).</summary>
    private static object? Default(Schema schema, JToken value, string path)
    {
        if (schema is UnionSchema union)
        {
            schema = union.Schemas[0];
        }

        if (value.Type == JTokenType.Null)
        {
            return schema.Tag == Schema.Type.Null ? null : throw new InvalidDataException($"field '{path}' has a null default but its schema ({schema.Fullname}) does not allow null");
        }

        if (schema is LogicalSchema logical)
        {
            return Logical(logical, Default(logical.BaseSchema, value, path)!, path, null);
        }

        return schema.Tag switch
        {
            Schema.Type.Boolean => value.Value<bool>(),
            Schema.Type.Int => value.Value<int>(),
            Schema.Type.Long => value.Value<long>(),
            Schema.Type.Float => value.Value<float>(),
            Schema.Type.Double => value.Value<double>(),
            Schema.Type.String => value.Value<string>()!,
            Schema.Type.Bytes => System.Text.Encoding.Latin1.GetBytes(value.Value<string>()!),
            Schema.Type.Fixed => new GenericFixed((FixedSchema)schema, System.Text.Encoding.Latin1.GetBytes(value.Value<string>()!)),
            Schema.Type.Enumeration => new GenericEnum((EnumSchema)schema, value.Value<string>()!),
            Schema.Type.Array => value.Select((item, i) => Default(((ArraySchema)schema).ItemSchema, item, path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]")).ToArray(),
            Schema.Type.Map => ((JObject)value).Properties().ToDictionary(p => p.Name, p => Default(((MapSchema)schema).ValueSchema, p.Value, path + "{" + p.Name + "}"), StringComparer.Ordinal),
            Schema.Type.Record => DefaultRecord((RecordSchema)schema, (JObject)value, path),
            _ => throw new InvalidDataException($"field '{path}': a default of {schema.Fullname} is not supported"),
        };
    }

    private static GenericRecord DefaultRecord(RecordSchema schema, JObject value, string path)
    {
        var record = new GenericRecord(schema);
        foreach (var field in schema.Fields)
        {
            var token = value[field.Name] ?? field.DefaultValue ?? throw new InvalidDataException($"field '{path}.{field.Name}' has no default");
            record.Add(field.Pos, Default(field.Schema, token, path + "." + field.Name));
        }

        return record;
    }
}

/// <summary>INTERNAL API. Rows as specific Avro records: read as generic records of <typeparamref name="T"/>'s schema, then
/// decoded to <typeparamref name="T"/> by Avro itself (its binary form), so that every field has the type the generated class expects.</summary>
internal sealed class SpecificAvroRows<T> : RowGroupRows<T>
    where T : class, ISpecificRecord, new()
{
    private readonly AvroRows _generic;
    private readonly RecordSchema _schema;

    public SpecificAvroRows()
    {
        _schema = new T().Schema as RecordSchema ?? throw new ArgumentException($"{typeof(T).Name}'s Avro schema is not a record.", nameof(T));
        _generic = new AvroRows(_schema);
    }

    public override string Name => _schema.Fullname;

    public override void Check(ParquetSchema file, string path) => _generic.Check(file, path);

    public override ValueTask<int> ReadAsync(Stream stream, int rowGroup, int start, Action<T, int> add, CancellationToken cancellationToken)
    {
        var writer = new GenericDatumWriter<GenericRecord>(_schema);
        var reader = new SpecificDatumReader<T>(_schema, _schema);
        var buffer = new MemoryStream();
        return _generic.ReadAsync(stream, rowGroup, start, (record, row) =>
        {
            buffer.SetLength(0);
            writer.Write(record, new BinaryEncoder(buffer));
            buffer.Position = 0;
            add(reader.Read(null!, new BinaryDecoder(buffer)), row);
        }, cancellationToken);
    }
}

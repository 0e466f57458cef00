using System.Globalization;
using ActorFlow.Shared;
using Avro;
using Avro.Generic;
using Avro.Specific;
using global::Parquet;
using global::Parquet.Schema;
using global::Parquet.Serialization;
using Field = global::Parquet.Schema.Field;

namespace ActorFlow.Parquet.Internal;

/// <summary>
/// INTERNAL API. Avro records (<see cref="GenericRecord"/> or <see cref="ISpecificRecord"/>) of one writer schema as
/// Parquet: a record is a struct, an array a LIST, a map a MAP (string keys), <c>["null", X]</c> a nullable X;
/// logical types timestamp-millis/micros → TIMESTAMP (UTC), date → DATE, decimal → DECIMAL(p, s), uuid → UUID;
/// enums are strings, fixed and bytes binary. Other unions have no Parquet form: such a schema is refused, naming the field.
/// The writer schema is stored in each file's key-value metadata under <c>avro.schema</c>.
/// </summary>
internal sealed class AvroFileSchema : FileSchema
{
    private readonly ParquetSchema _schema;
    private readonly Func<object?, object?>[] _fields;
    private readonly string[] _names;
    private readonly Dictionary<string, string> _metadata;

    // Keyed by (a hash of) the schema's whole JSON, not its Parsing Canonical Form: that form drops logical types, so a version that
    // only turned a long into a timestamp-millis, or changed a decimal's scale, would land with the first version's
    // converters, Parquet types and avro.schema (its records refused, or truncated, or the old ones retyped).
    private AvroFileSchema(RecordSchema schema, string json)
        : base(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(json)))) // short: the writer hashes it per record
    {
        var fields = new List<Field>();
        var converters = new List<Func<object?, object?>>();
        foreach (var f in schema.Fields)
        {
            var (field, convert) = Map(f.Name, f.Schema, nested: false, f.Name);
            fields.Add(field);
            converters.Add(convert);
        }

        _schema = new ParquetSchema(fields);
        _fields = [.. converters];
        _names = [.. schema.Fields.Select(f => f.Name)];
        _metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["avro.schema"] = json };
    }

    /// <summary>The file schema of records of <paramref name="schema"/>; fails naming the field that has no Parquet form.</summary>
    public static AvroFileSchema For(Schema schema) =>
        schema is RecordSchema record
            ? new AvroFileSchema(record, AvroSchemaJson.Of(record))
            : throw new RecordDoesNotFitException($"an Avro {schema.Tag} cannot be landed as a Parquet row: the writer schema must be a record");

    public override ParquetSchema Schema => _schema;

    public override object ToRow(object record)
    {
        var row = new Dictionary<string, object?>(_fields.Length, StringComparer.Ordinal);
        for (var i = 0; i < _fields.Length; i++)
        {
            try
            {
                row[_names[i]] = _fields[i](FieldOf(record, i));
            }
            catch (Exception e) when (e is InvalidCastException or ArgumentException or OverflowException)
            {
                // A value of another shape than its schema (e.g. a map where an array belongs): refused, not a writer crash.
                throw new RecordDoesNotFitException($"field '{_names[i]}' does not hold a value of its schema: {e.Message}", e);
            }
        }

        return row;
    }

    public override Task WriteRowGroupAsync(List<object> rows, Stream file, ParquetOptions options, CancellationToken cancellationToken) =>
        ParquetSerializer.SerializeUntypedAsync([.. rows.Cast<IDictionary<string, object?>>()], _schema, file, options, _metadata, cancellationToken);

    private static object? FieldOf(object record, int position) => record switch
    {
        GenericRecord generic => generic.GetValue(position),
        ISpecificRecord specific => specific.Get(position),
        _ => throw new RecordDoesNotFitException($"expected an Avro record, got {record.GetType().Name}"),
    };

    private static (Field Field, Func<object?, object?> Convert) Map(string name, Schema schema, bool nested, string path)
    {
        var nullable = false;
        if (schema is UnionSchema union)
        {
            var branches = union.Schemas.Where(s => s.Tag != Avro.Schema.Type.Null).ToList();
            if (branches.Count != 1)
            {
                throw new RecordDoesNotFitException($"field '{path}' is a union of {string.Join(", ", union.Schemas.Select(s => s.Fullname))}: only [\"null\", X] unions have a Parquet form");
            }

            nullable = union.Schemas.Count > 1;
            schema = branches[0];
        }

        return MapType(name, schema, nullable, nested, path);
    }

    private static (Field Field, Func<object?, object?> Convert) MapType(string name, Schema schema, bool nullable, bool nested, string path)
    {
        if (schema is LogicalSchema logical)
        {
            return MapLogical(name, logical, nullable, nested, path);
        }

        switch (schema.Tag)
        {
            case Avro.Schema.Type.Record:
                var record = (RecordSchema)schema;
                var children = record.Fields.Select(f => Map(f.Name, f.Schema, nested, path + "." + f.Name)).ToList();
                var names = record.Fields.Select(f => f.Name).ToArray();
                var struc = new StructField(name, [.. children.Select(c => c.Field)]);
                return (struc, value => value is null ? Null(path, nullable) : ToStruct(value, names, [.. children.Select(c => c.Convert)]));
            case Avro.Schema.Type.Array:
                var item = Map("element", ((ArraySchema)schema).ItemSchema, nested: true, path + "[]");
                return (new ListField(name, item.Field), value => value is null ? Null(path, nullable) : ToList(value, item.Convert, ElementType(item.Field)));
            case Avro.Schema.Type.Map:
                var mapValue = Map("value", ((MapSchema)schema).ValueSchema, nested: true, path + "{}");
                if (mapValue.Field is not DataField)
                {
                    // Parquet.Net's untyped writer fails on such a map (when the file is written, not before).
                    throw new RecordDoesNotFitException($"field '{path}' is a map of {((MapSchema)schema).ValueSchema.Tag} values: only maps of primitive or logical-type values have a Parquet form here (a map of records, arrays or maps cannot be written by Parquet.Net 6)");
                }

                var map = new MapField(name, new DataField("key", typeof(string), false), mapValue.Field);
                return (map, value => value is null ? Null(path, nullable) : ToMap(value, mapValue.Convert, ElementType(mapValue.Field)));
            case Avro.Schema.Type.String:
            case Avro.Schema.Type.Enumeration:
                return (new DataField(name, typeof(string), nullable), nested
                    ? value => value is null ? Null(path, nullable) : (ReadOnlyMemory<char>?)Text(value).AsMemory()
                    : value => value is null ? Null(path, nullable) : Text(value));
            case Avro.Schema.Type.Boolean:
                return Primitive<bool>(name, nullable, path);
            case Avro.Schema.Type.Int:
                return Primitive<int>(name, nullable, path);
            case Avro.Schema.Type.Long:
                return Primitive<long>(name, nullable, path);
            case Avro.Schema.Type.Float:
                return Primitive<float>(name, nullable, path);
            case Avro.Schema.Type.Double:
                return Primitive<double>(name, nullable, path);
            case Avro.Schema.Type.Bytes:
            case Avro.Schema.Type.Fixed:
                return (new DataField(name, typeof(byte[]), nullable), value => value switch
                {
                    null => Null(path, nullable),
                    byte[] bytes => bytes,
                    GenericFixed fixedValue => fixedValue.Value,
                    _ => throw Mismatch(path, "bytes", value),
                });
            default:
                throw new RecordDoesNotFitException($"field '{path}' is an Avro {schema.Tag}, which has no Parquet form");
        }
    }

    private static (Field, Func<object?, object?>) MapLogical(string name, LogicalSchema schema, bool nullable, bool nested, string path)
    {
        switch (schema.LogicalTypeName)
        {
            case "timestamp-millis":
            case "timestamp-micros":
                var unit = schema.LogicalTypeName == "timestamp-millis" ? DateTimeTimeUnit.Millis : DateTimeTimeUnit.Micros;
                return (new DateTimeDataField(name, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: unit, isNullable: nullable), value => value switch
                {
                    null => Null(path, nullable),
                    DateTime t => t.Kind == DateTimeKind.Utc ? t : t.ToUniversalTime(),
                    DateTimeOffset t => t.UtcDateTime,
                    long raw => FromUnix(raw, unit, path),
                    _ => throw Mismatch(path, schema.LogicalTypeName, value),
                });
            case "local-timestamp-millis":
            case "local-timestamp-micros":
                // A wall-clock time (parquet-avro: TIMESTAMP with isAdjustedToUTC = false): its clock reading whatever its
                // Kind, never moved through the host's zone.
                var localUnit = schema.LogicalTypeName == "local-timestamp-millis" ? DateTimeTimeUnit.Millis : DateTimeTimeUnit.Micros;
                return (new DateTimeDataField(name, DateTimeFormat.Timestamp, isAdjustedToUTC: false, unit: localUnit, isNullable: nullable), value => value switch
                {
                    null => Null(path, nullable),
                    DateTime t => DateTime.SpecifyKind(t, DateTimeKind.Utc),
                    long raw => FromUnix(raw, localUnit, path),
                    _ => throw Mismatch(path, schema.LogicalTypeName, value),
                });
            case "time-millis":
            case "time-micros":
                // parquet-avro: TIME(MILLIS) on INT32, TIME(MICROS) on INT64, isAdjustedToUTC = true.
                var micros = schema.LogicalTypeName == "time-micros";
                return (new TimeDataField(name, micros ? TimeUnitPrecision.Micros : TimeUnitPrecision.Millis, isNullable: nullable), value => value switch
                {
                    null => Null(path, nullable),
                    TimeSpan t => Time(t, micros, path),
                    TimeOnly t => Time(t.ToTimeSpan(), micros, path),
                    int raw when !micros => Time(TimeSpan.FromMilliseconds(raw), micros, path),
                    long raw when micros => Time(raw is < 0 or >= 86_400_000_000L ? TimeSpan.MinValue : TimeSpan.FromTicks(raw * TimeSpan.TicksPerMicrosecond), micros, path),
                    _ => throw Mismatch(path, schema.LogicalTypeName, value),
                });
            case "date":
                return (new DateTimeDataField(name, DateTimeFormat.Date, isNullable: nullable), value => value switch
                {
                    null => Null(path, nullable),
                    DateTime t => DateTime.SpecifyKind(t.Date, DateTimeKind.Utc),
                    DateOnly d => d.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
                    int days => DateTime.UnixEpoch.AddDays(days),
                    _ => throw Mismatch(path, "date", value),
                });
            case "decimal":
                var precision = int.Parse(schema.GetProperty("precision") ?? "0", CultureInfo.InvariantCulture);
                var scale = int.Parse(schema.GetProperty("scale") ?? "0", CultureInfo.InvariantCulture);
                if (precision is < 1 or > 28 || scale < 0 || scale > precision)
                {
                    throw new RecordDoesNotFitException($"field '{path}' is decimal({precision}, {scale}): precision 1 to 28 is supported");
                }

                return (new DecimalDataField(name, precision, scale, isNullable: nullable), value => value switch
                {
                    null => Null(path, nullable),
                    AvroDecimal d => FitDecimal((decimal)d, precision, scale, path),
                    decimal d => FitDecimal(d, precision, scale, path),
                    _ => throw Mismatch(path, "decimal", value),
                });
            case "uuid":
                return (new DataField(name, typeof(Guid), nullable), value => value switch
                {
                    null => Null(path, nullable),
                    Guid g => g,
                    string s when Guid.TryParse(s, out var g) => g,
                    _ => throw Mismatch(path, "uuid", value),
                });
            default:
                // Other logical types (time-millis, local-timestamp, ...) land as their underlying type, nullable as the
                // field is; a value in the logical type's CLR form (Apache.Avro reads time-millis as a TimeSpan,
                // local-timestamp-millis as a DateTime) is converted back to the underlying value first.
                var (field, convert) = MapType(name, schema.BaseSchema, nullable, nested, path);
                return (field, value => convert(value is null or int or long or string or byte[] or GenericFixed ? value : ToBaseValue(schema, value, path)));
        }
    }

    private static object ToBaseValue(LogicalSchema schema, object value, string path)
    {
        try
        {
            // A local timestamp is a wall-clock time: its clock reading whatever its Kind, never moved through the host's
            // zone (Apache.Avro's own conversion calls ToUniversalTime, so its bytes would depend on the host).
            return (schema.LogicalTypeName, value) switch
            {
                ("local-timestamp-millis", DateTime t) => EpochTime.Since(t, TimeSpan.TicksPerMillisecond),
                ("local-timestamp-micros", DateTime t) => EpochTime.Since(t, TimeSpan.TicksPerMicrosecond),
                _ => schema.LogicalType.ConvertToBaseValue(value, schema),
            };
        }
        catch (Exception e) when (e is InvalidCastException or ArgumentException or AvroException or OverflowException)
        {
            throw new RecordDoesNotFitException($"field '{path}' is {schema.LogicalTypeName} but holds a {value.GetType().Name} ({e.Message})", e);
        }
    }

    /// <summary>
    /// A time of day as the raw value of a TIME column (Parquet.Net 6.1 takes TIME(MILLIS) as an int of milliseconds,
    /// TIME(MICROS) as a long of microseconds); refused unless within a day.
    /// </summary>
    private static object Time(TimeSpan time, bool micros, string path)
    {
        if (time < TimeSpan.Zero || time >= TimeSpan.FromDays(1))
        {
            throw new RecordDoesNotFitException($"field '{path}': {time} is not a time of day");
        }

        return micros ? time.Ticks / TimeSpan.TicksPerMicrosecond : (object)(int)(time.Ticks / TimeSpan.TicksPerMillisecond);
    }

    /// <summary>A timestamp-millis or timestamp-micros field's raw value (Avro's long: milliseconds or microseconds since the epoch, UTC).</summary>
    private static DateTime FromUnix(long raw, DateTimeTimeUnit unit, string path)
    {
        try
        {
            return DateTime.UnixEpoch.AddTicks(checked(raw * (unit == DateTimeTimeUnit.Millis ? TimeSpan.TicksPerMillisecond : TimeSpan.TicksPerMicrosecond)));
        }
        catch (Exception e) when (e is OverflowException or ArgumentOutOfRangeException)
        {
            throw new RecordDoesNotFitException($"field '{path}': {raw.ToString(CultureInfo.InvariantCulture)} is outside the range of a timestamp", e);
        }
    }

    private static (Field, Func<object?, object?>) Primitive<TValue>(string name, bool nullable, string path)
        where TValue : struct =>
        (new DataField(name, typeof(TValue), nullable), value => value switch
        {
            null => Null(path, nullable),
            TValue v => nullable ? (TValue?)v : v,
            _ => throw Mismatch(path, typeof(TValue).Name, value),
        });

    private static decimal FitDecimal(decimal value, int precision, int scale, string path)
    {
        var rounded = Math.Round(value, scale);
        if (rounded != value || Math.Abs(rounded) >= (decimal)Math.Pow(10, precision - scale))
        {
            throw new RecordDoesNotFitException($"field '{path}': {value.ToString(CultureInfo.InvariantCulture)} does not fit decimal({precision}, {scale})");
        }

        return rounded;
    }

    private static object? Null(string path, bool nullable) =>
        nullable ? null : throw new RecordDoesNotFitException($"field '{path}' is null but its schema does not allow null");

    private static string Text(object value) => value switch
    {
        string s => s,
        GenericEnum e => e.Value,
        Enum e => e.ToString(),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    private static RecordDoesNotFitException Mismatch(string path, string expected, object value) =>
        new($"field '{path}' should be {expected} but holds a {value.GetType().Name}");

    private static Dictionary<string, object?> ToStruct(object value, string[] names, Func<object?, object?>[] converters)
    {
        var row = new Dictionary<string, object?>(names.Length, StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++)
        {
            row[names[i]] = converters[i](FieldOf(value, i));
        }

        return row;
    }

    /// <summary>The element type Parquet.Net's untyped writer expects for a nested field (strings as memory, structs as dictionaries).</summary>
    private static Type ElementType(Field field) => field switch
    {
        DataField d when d.ClrType == typeof(string) => typeof(ReadOnlyMemory<char>?),
        DataField d when d.ClrType.IsValueType && d.IsNullable => typeof(Nullable<>).MakeGenericType(d.ClrType),
        DataField d => d.ClrType,
        ListField l => typeof(List<>).MakeGenericType(ElementType(l.Item)),
        MapField m => typeof(Dictionary<,>).MakeGenericType(typeof(ReadOnlyMemory<char>), ElementType(m.Value)),
        _ => typeof(IDictionary<string, object?>),
    };

    private static System.Collections.IList ToList(object value, Func<object?, object?> convert, Type element)
    {
        var list = (System.Collections.IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
        foreach (var item in (System.Collections.IEnumerable)value)
        {
            list.Add(convert(item));
        }

        return list;
    }

    private static System.Collections.IDictionary ToMap(object value, Func<object?, object?> convert, Type element)
    {
        var map = (System.Collections.IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(typeof(ReadOnlyMemory<char>), element))!;
        foreach (System.Collections.DictionaryEntry entry in (System.Collections.IDictionary)value)
        {
            map.Add(((string)entry.Key).AsMemory(), convert(entry.Value));
        }

        return map;
    }
}

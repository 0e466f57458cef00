using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Text;
using ActorFlow.Shared;
using Avro;
using Avro.Generic;
using Avro.IO;
using Avro.Specific;
using global::Parquet;
using global::Parquet.Schema;
using Newtonsoft.Json.Linq;
using Field = global::Parquet.Schema.Field;

namespace ActorFlow.Parquet.Internal;

/// <summary>
/// INTERNAL API. Rows as Avro records of a reader schema: the inverse of <see cref="AvroFileSchema"/>'s mapping (a
/// struct is a record, a LIST an array, a MAP a map, TIMESTAMP a timestamp <see cref="DateTime"/> in UTC, DATE a date,
/// TIME a time <see cref="TimeSpan"/>, DECIMAL an <see cref="AvroDecimal"/>, UUID a <see cref="Guid"/>), matched by
/// field name (or alias) as Avro's schema resolution: a field the file lacks takes its default, a column the schema
/// lacks is not read, int widens to long, float and double, string and bytes convert into each other. Only the
/// columns of the reader schema are read, each with its definition and repetition levels, and the records are
/// assembled from them here (Parquet.Net's untyped reader drops null list items and reads other writers' empty lists as
/// null). A file whose columns cannot hold the schema's fields is refused whole, before a row of it is read.
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

    public override IReadOnlyList<DataField> Check(ParquetSchema file, string path, string hivePath) =>
        [.. Plan.For(_schema, file, path, HivePartitions.Of(hivePath)).Leaves.Select(l => l.Column)];

    public override async ValueTask<int> ReadAsync(Stream stream, RowGroupPart part, int start, Action<GenericRecord, int> add, CancellationToken cancellationToken)
    {
        await using var reader = await LegacyLists.OpenAsync(stream, cancellationToken).ConfigureAwait(false);
        var plan = Plan.For(_schema, Float16Columns.SchemaOf(reader), "", HivePartitions.Of(part.HivePath));
        using var group = reader.OpenRowGroupReader(part.RowGroup);
        var rows = (int)group.RowCount;
        foreach (var leaf in plan.Leaves)
        {
            await leaf.ReadAsync(group, cancellationToken).ConfigureAwait(false);
        }

        for (var row = 0; row < rows; row++)
        {
            var record = (GenericRecord)plan.Root.Read()!;
            if (row >= start)
            {
                add(record, row);
            }
        }

        return rows;
    }

    private static Schema NonNull(Schema schema) =>
        schema is UnionSchema union ? union.Schemas.First(s => s.Tag != Schema.Type.Null) : schema;

    private static bool AllowsNull(Schema schema) => schema is UnionSchema union && union.Schemas.Any(s => s.Tag == Schema.Type.Null);

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

    /// <summary>How one file's columns make records of the reader schema: a tree of nodes over the leaf columns read.</summary>
    private sealed class Plan
    {
        private readonly string _file;

        private readonly IReadOnlyDictionary<string, string> _hive;

        private Plan(string file, IReadOnlyDictionary<string, string> hive)
        {
            _file = file;
            _hive = hive;
        }

        public Node Root { get; private set; } = null!;

        public List<Leaf> Leaves { get; } = [];

        /// <summary>The plan for a file; <see cref="InvalidDataException"/> naming the file, the column and the field when a column cannot hold its field.</summary>
        public static Plan For(RecordSchema schema, ParquetSchema file, string path, IReadOnlyDictionary<string, string> hive)
        {
            var plan = new Plan(path, hive);
            plan.Root = plan.Record(schema, file.Fields, schema.Name, parentLevel: 0, column: null);
            return plan;
        }

        private InvalidDataException Refused(string column, string field, string why) =>
            new(string.Create(CultureInfo.InvariantCulture, $"{(_file.Length > 0 ? $"Parquet input '{_file}': " : string.Empty)}column '{column}' cannot be read into field '{field}': {why}"));

        private Node Record(RecordSchema schema, IReadOnlyList<Field> columns, string path, int parentLevel, StructField? column)
        {
            var children = new List<(int Position, Node? Child, object? Default)>();
            foreach (var field in schema.Fields)
            {
                var fieldPath = path + "." + field.Name;
                var found = columns.FirstOrDefault(c => c.Name == field.Name)
                    ?? columns.FirstOrDefault(c => field.Aliases?.Contains(c.Name) == true);
                if (found is null && column is null && HiveValue(field.Name) is { } directory)
                {
                    // A top-level field the file has no column for, named by a Hive directory (DuckDB's PARTITION_BY and
                    // Spark's partitionBy leave these columns out of the files), as the class reader fills a member.
                    children.Add((field.Pos, null, FromDirectory(field.Schema, directory.Name, directory.Text, fieldPath)));
                    continue;
                }

                if (found is null)
                {
                    if (field.DefaultValue is null)
                    {
                        throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                            $"{(_file.Length > 0 ? $"Parquet input '{_file}' " : "The file ")}has no column '{(column is null ? field.Name : column.Path + "." + field.Name)}', and field '{fieldPath}' has no default."));
                    }

                    children.Add((field.Pos, null, DefaultOf(field.Schema, field.DefaultValue, fieldPath)));
                    continue;
                }

                children.Add((field.Pos, Node(field.Schema, found, fieldPath, column is null ? parentLevel : column.MaxDefinitionLevel), null));
            }

            if (children.All(c => c.Child is null) && column is not null)
            {
                throw Refused(column.Path.ToString(), path, "none of the record's fields is a member of the struct");
            }

            return new RecordNode(schema, column, path, [.. children]);
        }

        /// <summary>The Hive directory of <paramref name="name"/> (exactly, else ignoring case), or null.</summary>
        private (string Name, string Text)? HiveValue(string name) =>
            _hive.TryGetValue(name, out var text) ? (name, text)
            : _hive.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)) is { Key: not null } other ? (other.Key, other.Value)
            : null;

        private object? FromDirectory(Schema schema, string name, string text, string path)
        {
            if (text == ParquetPartitioning.NullValue)
            {
                return AllowsNull(schema) ? null : throw Refused(name, path, $"the directory '{name}={text}' is null but the field does not allow null");
            }

            var wanted = NonNull(schema);
            try
            {
                return wanted switch
                {
                    LogicalSchema { LogicalTypeName: "date" } => DateTime.SpecifyKind(DateOnly.Parse(text, CultureInfo.InvariantCulture).ToDateTime(TimeOnly.MinValue), DateTimeKind.Utc),
                    LogicalSchema logical => throw Refused(name, path, $"a partition directory cannot fill a {logical.LogicalTypeName}"),
                    EnumSchema symbols => Symbol(symbols, text, path),
                    _ => wanted.Tag switch
                    {
                        Schema.Type.String => text,
                        Schema.Type.Int => int.Parse(text, CultureInfo.InvariantCulture),
                        Schema.Type.Long => long.Parse(text, CultureInfo.InvariantCulture),
                        Schema.Type.Float => float.Parse(text, CultureInfo.InvariantCulture),
                        Schema.Type.Double => double.Parse(text, CultureInfo.InvariantCulture),
                        Schema.Type.Boolean => bool.Parse(text),
                        _ => throw Refused(name, path, $"a partition directory cannot fill a {wanted.Fullname}"),
                    },
                };
            }
            catch (Exception e) when (e is FormatException or OverflowException)
            {
                throw new InvalidDataException($"{(_file.Length > 0 ? $"Parquet input '{_file}': " : string.Empty)}the partition directory '{name}={text}' does not hold the {wanted.Fullname} of field '{path}' ({e.Message})", e);
            }
        }

        private Node Node(Schema schema, Field column, string path, int parentLevel)
        {
            var nullable = AllowsNull(schema);
            var wanted = NonNull(schema);
            var columnPath = column.Path.ToString();
            switch (wanted)
            {
                case RecordSchema record:
                    return column is StructField struc
                        ? Nullable(Record(record, struc.Fields, path, parentLevel, struc), nullable)
                        : throw Refused(columnPath, path, $"a record needs a struct, the file has {Describe(column)}");
                case ArraySchema array when column is ListField { Item: DataField { IsArray: true } repeated } legacy:
                    // A 2-level list (parquet-avro's old structure, Impala, old Hive): its repeated element carries the levels.
                    return new ListNode(path, nullable, repeated.MaxDefinitionLevel, repeated.MaxRepetitionLevel,
                        Value(array.ItemSchema, repeated, path + "[]"), parentLevel, legacy.IsNullable);
                case ArraySchema array when column is ListField list:
                    return new ListNode(path, nullable, list.MaxDefinitionLevel, list.MaxRepetitionLevel,
                        Node(array.ItemSchema, list.Item, path + "[]", list.MaxDefinitionLevel), parentLevel, list.IsNullable);
                case ArraySchema array when column is DataField { IsArray: true } repeated:
                    // A legacy repeated primitive: no null list, no null items.
                    return new ListNode(path, nullable, repeated.MaxDefinitionLevel, repeated.MaxRepetitionLevel,
                        Value(array.ItemSchema, repeated, path + "[]"), parentLevel, listNullable: false);
                case ArraySchema:
                    throw Refused(columnPath, path, $"an array needs a list, the file has {Describe(column)}");
                case MapSchema map when column is MapField { Key: DataField key } mapField:
                    if (FileSchemas.Logical(key.ClrType) != typeof(string))
                    {
                        throw Refused(columnPath, path, $"an Avro map has string keys, the file's are {key.ClrType.Name}");
                    }

                    return new MapNode(path, nullable, mapField.MaxDefinitionLevel, mapField.MaxRepetitionLevel,
                        (ValueNode)Value(Schema.Parse("\"string\""), key, path + "{key}"),
                        Node(map.ValueSchema, mapField.Value, path + "{}", mapField.MaxDefinitionLevel), parentLevel, mapField.IsNullable);
                case MapSchema:
                    throw Refused(columnPath, path, $"a map needs a map, the file has {Describe(column)}");
                default:
                    return column is DataField { IsArray: false } data
                        ? Value(schema, data, path)
                        : throw Refused(columnPath, path, $"{wanted.Fullname} needs a value column, the file has {Describe(column)}");
            }
        }

        private static Node Nullable(Node record, bool nullable)
        {
            record.AvroNullable = nullable;
            return record;
        }

        private Node Value(Schema schema, DataField column, string path)
        {
            var convert = Converter(NonNull(schema), column, path);
            var leaf = new Leaf(column);
            Leaves.Add(leaf);
            return new ValueNode(path, AllowsNull(schema), leaf, convert);
        }

        private Func<object, object> Converter(Schema schema, DataField column, string path)
        {
            var columnPath = column.Path.ToString();
            var type = FileSchemas.Logical(column.ClrType); // a file's schema names strings and bytes as memory
            if (schema is LogicalSchema logical)
            {
                switch (logical.LogicalTypeName)
                {
                    case "timestamp-millis":
                    case "timestamp-micros":
                    case "local-timestamp-millis":
                    case "local-timestamp-micros":
                        var millis = logical.LogicalTypeName.EndsWith("millis", StringComparison.Ordinal);
                        if (type == typeof(long) && column is not DateTimeDataField)
                        {
                            // A plain INT64 column resolves as Avro's long does: epoch milliseconds or microseconds.
                            return millis ? value => DateTime.UnixEpoch.AddMilliseconds((long)value) : value => DateTime.UnixEpoch.AddTicks((long)value * 10);
                        }

                        if (column is DateTimeDataField { DateTimeFormat: DateTimeFormat.Date } || type != typeof(DateTime))
                        {
                            throw Refused(columnPath, path, $"{logical.LogicalTypeName} needs a TIMESTAMP column, the file has {Describe(column)}");
                        }

                        // Parquet.Net marks a TIMESTAMP not adjusted to UTC (a wall-clock time) Local without moving it: it reads as that time in UTC.
                        return value =>
                        {
                            var t = DateTime.SpecifyKind((DateTime)value, DateTimeKind.Utc);
                            return millis ? t.AddTicks(-(t.Ticks % TimeSpan.TicksPerMillisecond)) : t.AddTicks(-(t.Ticks % 10));
                        };
                    case "date":
                        if (type == typeof(int) && column is not DateTimeDataField)
                        {
                            return value => DateTime.UnixEpoch.AddDays((int)value); // a plain INT32: days since the epoch, as Avro's int
                        }

                        return column is DateTimeDataField { DateTimeFormat: DateTimeFormat.Date } || type == typeof(DateOnly)
                            ? value => value is DateOnly d ? d.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) : DateTime.SpecifyKind(((DateTime)value).Date, DateTimeKind.Utc)
                            : throw Refused(columnPath, path, $"date needs a DATE column, the file has {Describe(column)}");
                    case "time-millis":
                    case "time-micros":
                        // Parquet's TIME(MILLIS) is an INT32, TIME(MICROS) and TIME(NANOS) INT64s (Parquet.Net names some of them so).
                        // A TIME column reads by its own unit (its value as a TimeSpan, as Apache.Avro holds both logical types):
                        // pyarrow's time32[ms] into time-micros too, and NANOS not taken for MICROS.
                        if (TimeColumns.UnitOf(column) is { } unit)
                        {
                            return value => TimeSpan.FromTicks(TimeColumns.Ticks(Convert.ToInt64(value, CultureInfo.InvariantCulture), unit));
                        }

                        return (logical.LogicalTypeName, type) switch
                        {
                            (_, _) when type == typeof(TimeSpan) => value => value,
                            (_, _) when type == typeof(TimeOnly) => value => ((TimeOnly)value).ToTimeSpan(),
                            ("time-millis", _) when type == typeof(int) => value => TimeSpan.FromMilliseconds((int)value),
                            ("time-micros", _) when type == typeof(long) => value => TimeSpan.FromTicks((long)value * 10),
                            _ => throw Refused(columnPath, path, $"{logical.LogicalTypeName} needs a TIME column, the file has {Describe(column)}"),
                        };
                    case "decimal":
                        var precision = int.Parse(logical.GetProperty("precision") ?? "0", CultureInfo.InvariantCulture);
                        var scale = int.Parse(logical.GetProperty("scale") ?? "0", CultureInfo.InvariantCulture);
                        if (column is not DecimalDataField { } dec || type != typeof(decimal))
                        {
                            throw Refused(columnPath, path, $"decimal({precision}, {scale}) needs a DECIMAL column, the file has {Describe(column)}");
                        }

                        if (dec.Scale != scale || dec.Precision > precision)
                        {
                            throw Refused(columnPath, path, $"the file's DECIMAL({dec.Precision}, {dec.Scale}) does not resolve to decimal({precision}, {scale}) (the scales must be equal, the file's precision not larger)");
                        }

                        // A wide DECIMAL (beyond .NET decimal's 28 digits, e.g. Spark's and Arrow's DECIMAL(38, s)) is read as its
                        // unscaled integer (PhysicalColumns.IsWideDecimal), so every value of it reads, exactly.
                        return PhysicalColumns.IsWideDecimal(column)
                            ? value => new AvroDecimal(((global::Parquet.Data.BigDecimal)value).UnscaledValue, scale)
                            : value => new AvroDecimal(Scaled((decimal)value, scale));
                    case "uuid":
                        if (type == typeof(Guid))
                        {
                            return value => value;
                        }

                        return type == typeof(string)
                            ? value => Guid.TryParse((string)value, out var g) ? g : throw new InvalidDataException($"field '{path}': '{value}' is not a UUID")
                            : throw Refused(columnPath, path, $"uuid needs a UUID or string column, the file has {Describe(column)}");
                    default:
                        return Converter(logical.BaseSchema, column, path);
                }
            }

            if (Float16Columns.Is(column))
            {
                // A FLOAT16 column (its raw two bytes) into a float or a double, as DuckDB reads it; bytes or fixed(2) keep the bytes.
                switch (schema.Tag)
                {
                    case Schema.Type.Float:
                        return value => Float16Columns.ToSingle((ReadOnlyMemory<byte>)value);
                    case Schema.Type.Double:
                        return value => (double)Float16Columns.ToSingle((ReadOnlyMemory<byte>)value);
                    case Schema.Type.Bytes or Schema.Type.Fixed:
                        break;
                    default:
                        throw Refused(columnPath, path, $"{schema.Fullname} cannot be read from a FLOAT16 column (read it into a float or double)");
                }
            }

            Func<object, object>? convert = (schema.Tag, Type.GetTypeCode(type)) switch
            {
                (Schema.Type.Boolean, TypeCode.Boolean) => value => value,
                (Schema.Type.Int, TypeCode.Int32) => value => value,
                (Schema.Type.Int, TypeCode.Int16 or TypeCode.SByte or TypeCode.Byte or TypeCode.UInt16) => value => Convert.ToInt32(value, CultureInfo.InvariantCulture),

                // An unsigned column into a signed field of its width (parquet-avro's mapping of UINT_32 and UINT_64): the
                // values the field can hold read; a larger one fails its row group naming the field (parquet-avro would
                // read it as a negative number).
                (Schema.Type.Int, TypeCode.UInt32) => value => (uint)value <= int.MaxValue ? (int)(uint)value : throw Beyond(path, value, "int"),
                (Schema.Type.Long, TypeCode.UInt64) => value => (ulong)value <= long.MaxValue ? (long)(ulong)value : throw Beyond(path, value, "long"),
                (Schema.Type.Float, TypeCode.UInt64) => value => (float)(ulong)value,
                (Schema.Type.Double, TypeCode.UInt64) => value => (double)(ulong)value,
                (Schema.Type.Long, TypeCode.Int64) => value => value,
                (Schema.Type.Long, TypeCode.Int32 or TypeCode.Int16 or TypeCode.SByte or TypeCode.Byte or TypeCode.UInt16 or TypeCode.UInt32) => value => Convert.ToInt64(value, CultureInfo.InvariantCulture),
                (Schema.Type.Float, TypeCode.Single) => value => value,
                (Schema.Type.Float, TypeCode.Int64 or TypeCode.Int32 or TypeCode.Int16 or TypeCode.SByte or TypeCode.Byte or TypeCode.UInt16 or TypeCode.UInt32) => value => Convert.ToSingle(value, CultureInfo.InvariantCulture),
                (Schema.Type.Double, TypeCode.Double) => value => value,
                (Schema.Type.Double, TypeCode.Single or TypeCode.Int64 or TypeCode.Int32 or TypeCode.Int16 or TypeCode.SByte or TypeCode.Byte or TypeCode.UInt16 or TypeCode.UInt32) => value => Convert.ToDouble(value, CultureInfo.InvariantCulture),
                (Schema.Type.String, TypeCode.String) => value => value,
                (Schema.Type.String, _) when type == typeof(byte[]) => value => Encoding.UTF8.GetString(((ReadOnlyMemory<byte>)value).Span),
                (Schema.Type.String, _) when type == typeof(Guid) => value => ((Guid)value).ToString(),
                (Schema.Type.Bytes, _) when type == typeof(byte[]) => value => ((ReadOnlyMemory<byte>)value).ToArray(),
                (Schema.Type.Bytes, TypeCode.String) => value => Encoding.UTF8.GetBytes((string)value),
                (Schema.Type.Enumeration, TypeCode.String) => value => Symbol((EnumSchema)schema, (string)value, path),
                (Schema.Type.Fixed, _) when type == typeof(byte[]) => value => Fixed((FixedSchema)schema, ((ReadOnlyMemory<byte>)value).ToArray(), path),
                (Schema.Type.Fixed, _) when type == typeof(Guid) && ((FixedSchema)schema).Size == 16 => value => new GenericFixed((FixedSchema)schema, ((Guid)value).ToByteArray(bigEndian: true)),
                _ => null,
            };
            return convert ?? throw Refused(columnPath, path, $"{schema.Fullname} cannot be read from {Describe(column)}");
        }

        private static InvalidDataException Beyond(string path, object value, string avro) =>
            new($"field '{path}': {value} in the file's unsigned column is beyond Avro {avro}'s range (read the column into a wider field)");

        private static string Describe(Field column) => column switch
        {
            StructField => "a struct",
            ListField => "a list",
            MapField => "a map",
            DataField { IsArray: true } d => $"a repeated {FileSchemas.Logical(d.ClrType).Name}",
            DateTimeDataField d => d.DateTimeFormat == DateTimeFormat.Date ? "a DATE" : "a TIMESTAMP",
            DecimalDataField d => string.Create(CultureInfo.InvariantCulture, $"a DECIMAL({d.Precision}, {d.Scale})"),
            DataField d => $"a {FileSchemas.Logical(d.ClrType).Name} column",
            _ => column.GetType().Name,
        };
    }

    /// <summary><paramref name="value"/> with exactly <paramref name="scale"/> decimal places (Avro encodes the unscaled value of the schema's scale).</summary>
    private static decimal Scaled(decimal value, int scale)
    {
        var rounded = Math.Round(value, scale);
        return rounded + new decimal(0, 0, 0, false, (byte)scale);
    }

    private static GenericEnum Symbol(EnumSchema schema, string symbol, string path) =>
        schema.Contains(symbol) ? new GenericEnum(schema, symbol)
        : schema.Default is { } fallback ? new GenericEnum(schema, fallback)
        : throw new InvalidDataException($"field '{path}': '{symbol}' is not a symbol of {schema.Fullname} ({string.Join(", ", schema.Symbols)})");

    private static GenericFixed Fixed(FixedSchema schema, byte[] bytes, string path) =>
        bytes.Length == schema.Size ? new GenericFixed(schema, bytes)
        : throw new InvalidDataException($"field '{path}' holds {bytes.Length} bytes but {schema.Fullname} is fixed({schema.Size})");

    /// <summary>
    /// A field's JSON default as a generic value (Avro 1.12's rule, as Java's <c>GenericData.getDefaultValue</c> reads
    /// it: a union's default is of its first branch whose type the JSON value can be).
    /// </summary>
    // Java's ResolvingGrammarGenerator.isCompatible: whether a union branch of this type can take the JSON value.
    private static bool Takes(Schema branch, JToken value) => (branch is LogicalSchema l ? l.BaseSchema : branch).Tag switch
    {
        Schema.Type.Fixed or Schema.Type.String or Schema.Type.Bytes => value.Type == JTokenType.String,
        Schema.Type.Int or Schema.Type.Long or Schema.Type.Float or Schema.Type.Double => value.Type is JTokenType.Integer or JTokenType.Float,
        Schema.Type.Boolean => value.Type == JTokenType.Boolean,
        Schema.Type.Null => value.Type == JTokenType.Null,
        _ => true,
    };

    private static object? DefaultOf(Schema schema, JToken value, string path)
    {
        if (schema is UnionSchema union)
        {
            schema = union.Schemas.FirstOrDefault(b => Takes(b, value))
                ?? throw new InvalidDataException($"field '{path}': its default {value.ToString(Newtonsoft.Json.Formatting.None)} is of no branch of {union}");
        }

        if (schema.Tag == Schema.Type.Null)
        {
            return value.Type == JTokenType.Null ? null : throw new InvalidDataException($"field '{path}': its default must be null");
        }

        try
        {
            if (schema is LogicalSchema logical)
            {
                var raw = DefaultOf(logical.BaseSchema, value, path)!;
                return logical.LogicalTypeName switch
                {
                    "timestamp-millis" or "local-timestamp-millis" => DateTime.UnixEpoch.AddMilliseconds((long)raw),
                    "timestamp-micros" or "local-timestamp-micros" => DateTime.UnixEpoch.AddTicks((long)raw * 10),
                    "date" => DateTime.UnixEpoch.AddDays((int)raw),
                    "time-millis" => TimeSpan.FromMilliseconds((int)raw),
                    "time-micros" => TimeSpan.FromTicks((long)raw * 10),
                    "decimal" => new AvroDecimal(new BigInteger(raw is GenericFixed f ? f.Value : (byte[])raw, isUnsigned: false, isBigEndian: true), int.Parse(logical.GetProperty("scale") ?? "0", CultureInfo.InvariantCulture)),
                    "uuid" => Guid.Parse((string)raw),
                    _ => raw,
                };
            }

            return schema.Tag switch
            {
                Schema.Type.Boolean => value.Value<bool>(),
                Schema.Type.Int => value.Value<int>(),
                Schema.Type.Long => value.Value<long>(),
                Schema.Type.Float => value.Value<float>(),
                Schema.Type.Double => value.Value<double>(),
                Schema.Type.String => value.Value<string>()!,
                Schema.Type.Bytes => Encoding.Latin1.GetBytes(value.Value<string>()!),
                Schema.Type.Fixed => new GenericFixed((FixedSchema)schema, Encoding.Latin1.GetBytes(value.Value<string>()!)),
                Schema.Type.Enumeration => new GenericEnum((EnumSchema)schema, value.Value<string>()!),
                Schema.Type.Array => value.Select((item, i) => DefaultOf(((ArraySchema)schema).ItemSchema, item, path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]")).ToArray(),
                Schema.Type.Map => ((JObject)value).Properties().ToDictionary(p => p.Name, p => DefaultOf(((MapSchema)schema).ValueSchema, p.Value, path + "{" + p.Name + "}"), StringComparer.Ordinal),
                Schema.Type.Record => DefaultRecord((RecordSchema)schema, (JObject)value, path),
                _ => throw new InvalidDataException($"field '{path}': a default of {schema.Fullname} is not supported"),
            };
        }
        catch (Exception e) when (e is FormatException or InvalidCastException or ArgumentException or AvroException)
        {
            throw new InvalidDataException($"field '{path}': its default {value.ToString(Newtonsoft.Json.Formatting.None)} is not a {schema.Fullname}: {e.Message}", e);
        }
    }

    private static GenericRecord DefaultRecord(RecordSchema schema, JObject value, string path)
    {
        var record = new GenericRecord(schema);
        foreach (var field in schema.Fields)
        {
            var token = value[field.Name] ?? field.DefaultValue ?? throw new InvalidDataException($"field '{path}.{field.Name}' has no default");
            record.Add(field.Pos, DefaultOf(field.Schema, token, path + "." + field.Name));
        }

        return record;
    }

    /// <summary>One leaf column of a row group: its defined values and its levels, read once, consumed in order.</summary>
    private sealed class Leaf(DataField column)
    {
        private object[] _values = [];
        private int[]? _definitions;
        private int[]? _repetitions;
        private int _position;
        private int _value;

        public DataField Column { get; } = column;

        /// <summary>Gets the definition level at which this column's value is present.</summary>
        public int Defined { get; } = column.MaxDefinitionLevel;

        public int Definition => _definitions is null ? Defined : _definitions[_position];

        public bool More(int level) => _repetitions is not null && _position < _repetitions.Length && _repetitions[_position] == level;

        public async ValueTask ReadAsync(ParquetRowGroupReader group, CancellationToken cancellationToken)
        {
            var count = checked((int)(group.GetMetadata(Column)?.MetaData?.NumValues ?? throw new InvalidDataException($"column '{Column.Path}' has no data in this row group")));
            var definitions = Column.MaxDefinitionLevel > 0 ? new int[count] : null;
            var repetitions = Column.MaxRepetitionLevel > 0 ? new int[count] : null;
            var type = FileSchemas.Logical(Column.ClrType);
            var values = PhysicalColumns.IsWideDecimal(Column) ? ReadAsync<global::Parquet.Data.BigDecimal>(group, count, definitions, repetitions, cancellationToken)
                : type == typeof(string) ? ReadStringsAsync(group, count, definitions, repetitions, cancellationToken)
                : type == typeof(byte[]) ? ReadAsync<ReadOnlyMemory<byte>>(group, count, definitions, repetitions, cancellationToken)
                : (Task<object[]>)typeof(Leaf).GetMethod(nameof(ReadAsync), System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!
                    .MakeGenericMethod(Column.ClrType).Invoke(this, [group, count, definitions, repetitions, cancellationToken])!;
            try
            {
                _values = await values.ConfigureAwait(false);
            }
            catch (Exception e) when (PhysicalColumns.NamesNoColumn(e))
            {
                throw PhysicalColumns.Failed(Column, e);
            }

            _definitions = definitions;
            _repetitions = repetitions;
            _position = 0;
            _value = 0;
        }

        /// <summary>The next entry: its value, or null when the value is not defined (a null, an empty list, an absent ancestor).</summary>
        public object? Next()
        {
            var present = Definition >= Defined;
            _position++;
            return present ? _values[_value++] : null;
        }

        /// <summary>
        /// A string column's defined values as strings, equal values of the read one string (<see cref="DistinctStrings"/>:
        /// a dictionary entry found by its decoded characters' identity), so a record's field holds no copy of its own.
        /// </summary>
        private async Task<object[]> ReadStringsAsync(ParquetRowGroupReader group, int count, int[]? definitions, int[]? repetitions, CancellationToken cancellationToken)
        {
            var values = ArrayPool<ReadOnlyMemory<char>>.Shared.Rent(count);
            try
            {
                await PhysicalColumns.ReadRawAsync(group, Column, values.AsMemory(0, count), definitions is null ? (Memory<int>?)null : definitions.AsMemory(), repetitions is null ? (Memory<int>?)null : repetitions.AsMemory(), cancellationToken).ConfigureAwait(false);
                var defined = definitions is null ? count : definitions.Count(d => d >= Defined);
                var strings = new DistinctStrings(dictionaryEncoded: DistinctStrings.IsDictionaryEncoded(group, Column));
                var texts = new object[defined];
                for (var i = 0; i < defined; i++)
                {
                    texts[i] = strings.Get(values[i]);
                }

                return texts;
            }
            finally
            {
                ArrayPool<ReadOnlyMemory<char>>.Shared.Return(values, clearArray: true);
            }
        }

        private async Task<object[]> ReadAsync<T>(ParquetRowGroupReader group, int count, int[]? definitions, int[]? repetitions, CancellationToken cancellationToken)
            where T : struct
        {
            var values = new T[count];
            // A column without levels takes no buffer for them (an empty one would be too small).
            var column = PhysicalColumns.IsWideDecimal(Column) ? PhysicalColumns.As(Column, typeof(T)) : Column;
            await PhysicalColumns.ReadRawAsync<T>(group, column, values, definitions is null ? (Memory<int>?)null : definitions.AsMemory(), repetitions is null ? (Memory<int>?)null : repetitions.AsMemory(), cancellationToken).ConfigureAwait(false);
            var defined = definitions is null ? count : definitions.Count(d => d >= Defined);
            var boxed = new object[defined];
            for (var i = 0; i < defined; i++)
            {
                boxed[i] = values[i];
            }

            return boxed;
        }
    }

    /// <summary>A node of the reader schema over the file's columns; <see cref="Read"/> consumes one occurrence's entries.</summary>
    private abstract class Node(string path, bool avroNullable)
    {
        public string Path { get; } = path;

        public bool AvroNullable { get; set; } = avroNullable;

        /// <summary>Gets the leaf whose levels tell whether this node is present (any leaf under it: they agree above it).</summary>
        public abstract Leaf First { get; }

        public abstract object? Read();

        /// <summary>Consumes one entry of every leaf under this node (an absent occurrence has exactly one per leaf).</summary>
        public abstract void Skip();

        protected object? Null() => AvroNullable
            ? null
            : throw new InvalidDataException($"field '{Path}' is null in the file but its schema does not allow null");
    }

    private sealed class ValueNode(string path, bool avroNullable, Leaf leaf, Func<object, object> convert) : Node(path, avroNullable)
    {
        public override Leaf First => leaf;

        public override object? Read() => leaf.Next() is { } value ? convert(value) : Null();

        public override void Skip() => leaf.Next();
    }

    private sealed class RecordNode(RecordSchema schema, StructField? column, string path, (int Position, Node? Child, object? Default)[] fields) : Node(path, false)
    {
        public override Leaf First => fields.First(f => f.Child is not null).Child!.First;

        public override object? Read()
        {
            if (column is not null && First.Definition < column.MaxDefinitionLevel)
            {
                Skip();
                return Null();
            }

            var record = new GenericRecord(schema);
            foreach (var (position, child, fallback) in fields)
            {
                record.Add(position, child is null ? fallback : child.Read());
            }

            return record;
        }

        public override void Skip()
        {
            foreach (var (_, child, _) in fields)
            {
                child?.Skip();
            }
        }
    }

    /// <summary>A list: null below the list's own level, empty below its elements' level, else elements while the
    /// next entry repeats at the list's repetition level.</summary>
    private sealed class ListNode(string path, bool avroNullable, int elementLevel, int repetition, Node item, int parentLevel, bool listNullable) : Node(path, avroNullable)
    {
        private readonly int _nullBelow = parentLevel + (listNullable ? 1 : 0);

        public override Leaf First => item.First;

        public override object? Read()
        {
            var definition = First.Definition;
            if (definition < _nullBelow)
            {
                Skip();
                return Null();
            }

            if (definition < elementLevel)
            {
                Skip();
                return Array.Empty<object?>();
            }

            var items = new List<object?>();
            do
            {
                items.Add(item.Read());
            }
            while (First.More(repetition));
            return items.ToArray();
        }

        public override void Skip() => item.Skip();
    }

    private sealed class MapNode(string path, bool avroNullable, int entryLevel, int repetition, ValueNode key, Node value, int parentLevel, bool mapNullable) : Node(path, avroNullable)
    {
        private readonly int _nullBelow = parentLevel + (mapNullable ? 1 : 0);

        public override Leaf First => key.First;

        public override object? Read()
        {
            var definition = First.Definition;
            if (definition < _nullBelow)
            {
                Skip();
                return Null();
            }

            var map = new Dictionary<string, object?>(StringComparer.Ordinal);
            if (definition < entryLevel)
            {
                Skip();
                return map;
            }

            do
            {
                var k = (string)(key.Read() ?? throw new InvalidDataException($"field '{Path}' has a null key"));
                map[k] = value.Read();
            }
            while (First.More(repetition));
            return map;
        }

        public override void Skip()
        {
            key.Skip();
            value.Skip();
        }
    }
}

/// <summary>INTERNAL API. Rows as specific Avro records: read as generic records of <typeparamref name="T"/>'s schema, then
/// through their binary form read by Apache.Avro's generic reader (so every value has the type that reader gives) and
/// converted into <typeparamref name="T"/> (<see cref="GenericToSpecific"/>, as ActorFlow.Avro's serdes read generated
/// records): Apache.Avro's specific reader failed on maps inside arrays or maps, decimals over fixed and nullable enums
/// in collections, and gave an enum in a wide union as an int.</summary>
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

    public override IReadOnlyList<DataField> Check(ParquetSchema file, string path, string hivePath) => _generic.Check(file, path, hivePath);

    public override ValueTask<int> ReadAsync(Stream stream, RowGroupPart part, int start, Action<T, int> add, CancellationToken cancellationToken)
    {
        var writer = new GenericDatumWriter<GenericRecord>(_schema);
        var reader = new GenericDatumReader<object>(_schema, _schema);
        var convert = GenericToSpecific.For(_schema, typeof(T));
        var buffer = new MemoryStream();
        return _generic.ReadAsync(stream, part, start, (record, row) =>
        {
            buffer.SetLength(0);
            writer.Write(record, new BinaryEncoder(buffer));
            buffer.Position = 0;
            add((T)convert(reader.Read(null!, new BinaryDecoder(buffer)))!, row);
        }, cancellationToken);
    }
}

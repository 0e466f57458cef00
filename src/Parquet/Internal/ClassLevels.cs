using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using global::Parquet;
using global::Parquet.Schema;

namespace ActorFlow.Parquet.Internal;

/// <summary>
/// INTERNAL API. Reads rows of a class from each leaf column's values and definition and repetition levels (as
/// <see cref="AvroRows"/> assembles Avro records): only the class's columns are read, and its members are built
/// directly, typed, through compiled setters. As Spark and DuckDB read them: a NULL list, map or struct is null (the
/// member keeps what its constructor set), an empty list or map is empty at any depth, a null list element is null,
/// and a null where the member (or element) type cannot hold one (<c>int</c>, <c>List&lt;int&gt;</c>'s element) fails
/// the row group naming the column and the member; a file column's nullability need not match the class's. A TIMESTAMP
/// not adjusted to UTC reads as <see cref="DateTimeKind.Unspecified"/>, an adjusted one as <see cref="DateTimeKind.Utc"/>;
/// a TIME as a <see cref="TimeOnly"/> by its unit. The plan (which node reads which column) is made once per file schema.
/// </summary>
internal sealed class ClassLevels<T>
    where T : class
{
    private readonly RecordShape _shape = ClassShape.Of<T>();
    private readonly ConcurrentDictionary<string, Plan> _plans = new(StringComparer.Ordinal);

    /// <summary>Plans a file and returns the paths of the columns it reads; <see cref="InvalidDataException"/> naming the file, the column and the member when a column cannot be read into its member.</summary>
    public IEnumerable<string> Check(ParquetSchema file, string path) => PlanFor(file, path).Leaves.Select(l => l.Path);

    /// <summary>Reads rows <paramref name="start"/> to the end of a row group and returns the row group's row count.</summary>
    public async ValueTask<int> ReadAsync(ParquetReader reader, int rowGroup, int start, Action<T, int> add, CancellationToken cancellationToken)
    {
        var schema = Float16Columns.SchemaOf(reader);
        var plan = PlanFor(schema, "");
        using var group = reader.OpenRowGroupReader(rowGroup);
        var rows = checked((int)group.RowCount);
        var columns = schema.GetDataFields().ToDictionary(f => f.Path.ToString(), StringComparer.Ordinal);
        var leaves = new LevelCursor[plan.Leaves.Length];
        try
        {
            for (var i = 0; i < leaves.Length; i++)
            {
                var column = columns[plan.Leaves[i].Path];
                leaves[i] = plan.Leaves[i].Cursor(column.MaxDefinitionLevel);
                try
                {
                    await leaves[i].ReadAsync(group, column, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (PhysicalColumns.NamesNoColumn(e))
                {
                    throw PhysicalColumns.Failed(column, e);
                }
            }

            for (var row = 0; row < rows; row++)
            {
                var value = plan.Root.Read(leaves);
                if (row >= start)
                {
                    add(value, row);
                }
            }

            for (var i = 0; i < leaves.Length; i++)
            {
                if (!leaves[i].Consumed)
                {
                    throw new InvalidDataException($"column '{plan.Leaves[i].Path}' holds more entries than the row group's {rows} rows (its definition or repetition levels are corrupt)");
                }
            }
        }
        finally
        {
            foreach (var leaf in leaves)
            {
                leaf?.Return();
            }
        }

        return rows;
    }

    private Plan PlanFor(ParquetSchema file, string path)
    {
        var key = Key(file);
        return _plans.TryGetValue(key, out var plan) ? plan : _plans.GetOrAdd(key, new Planner(path).Root(_shape, file));
    }

    /// <summary>What a plan depends on: every field's kind, name, nullability, levels and type (a TIMESTAMP's adjustment, a TIME's unit).</summary>
    private static string Key(ParquetSchema schema)
    {
        var key = new StringBuilder();
        foreach (var field in schema.Fields)
        {
            Append(field);
        }

        return key.ToString();

        void Append(Field field)
        {
            key.Append(CultureInfo.InvariantCulture, $"{field.SchemaType}:{field.Name}:{field.IsNullable}:{field.MaxDefinitionLevel}:{field.MaxRepetitionLevel}");
            switch (field)
            {
                case DateTimeDataField d:
                    key.Append(CultureInfo.InvariantCulture, $":{d.DateTimeFormat}:{d.IsAdjustedToUTC}:{d.Unit}");
                    break;
                case TimeDataField t:
                    key.Append(CultureInfo.InvariantCulture, $":time:{t.Precision}");
                    break;
                case DataField d:
                    key.Append(CultureInfo.InvariantCulture, $":{d.ClrType.FullName}:{d.IsArray}:{(Float16Columns.Is(d) ? "float16" : "")}");
                    break;
                case StructField s:
                    key.Append('(');
                    foreach (var child in s.Fields)
                    {
                        Append(child);
                    }

                    key.Append(')');
                    break;
                case ListField l:
                    key.Append('(');
                    Append(l.Item);
                    key.Append(')');
                    break;
                case MapField m:
                    key.Append('(');
                    Append(m.Key);
                    Append(m.Value);
                    key.Append(')');
                    break;
            }

            key.Append(';');
        }
    }

    /// <summary>A leaf column read: its path and how its cursor is made.</summary>
    private sealed record Leaf(string Path, Func<int, LevelCursor> Cursor);

    private sealed record Plan(RecordLevelNode<T> Root, Leaf[] Leaves);

    /// <summary>Builds one file's plan: a node per member the file has a column for.</summary>
    private sealed class Planner(string file)
    {
        private readonly List<Leaf> _leaves = [];

        public Plan Root(RecordShape shape, ParquetSchema schema) =>
            new((RecordLevelNode<T>)Record(shape, schema.Fields, level: 0, column: null), [.. _leaves]);

        private LevelNode Record(RecordShape shape, IReadOnlyList<Field> columns, int level, StructField? column)
        {
            var record = Nullable.GetUnderlyingType(shape.Type) ?? shape.Type;
            var slots = new List<(LevelNode Node, object Slot)>();
            foreach (var member in shape.Members)
            {
                if (Find(columns, member.Column) is not { } found)
                {
                    continue; // a column the file lacks leaves the member as the constructor set it
                }

                var node = Node(member.Shape, found, level);
                var nullError = member.Shape.CanHoldNull ? null : NullError(found, member.Shape, "a null");
                slots.Add((node, Activator.CreateInstance(typeof(MemberSlot<,>).MakeGenericType(record, member.Shape.Type), node, member.Setter, nullError)!));
            }

            var typed = Array.CreateInstance(typeof(MemberSlot<>).MakeGenericType(record), slots.Count);
            for (var i = 0; i < slots.Count; i++)
            {
                typed.SetValue(slots[i].Slot, i);
            }

            // A struct none of whose fields the class reads still tells, from one of its columns, whether it is null.
            var probe = slots.Count == 0 && column is not null ? new ProbeLevelNode(AddLeaf(FirstLeaf(column)), column.MaxRepetitionLevel) : null;
            var first = slots.Count > 0 ? slots[0].Node.First : probe?.First ?? 0;
            var made = (LevelNode)Activator.CreateInstance(typeof(RecordLevelNode<>).MakeGenericType(record), first, level, shape.Create, typed, probe)!;
            return record == shape.Type ? made : (LevelNode)Activator.CreateInstance(typeof(NullableLevelNode<>).MakeGenericType(record), made, level)!;
        }

        private LevelNode Node(ClassShape shape, Field column, int parentLevel)
        {
            switch (shape, column)
            {
                case (ValueShape scalar, DataField { IsArray: false } data):
                    return Value(scalar, data);
                case (RecordShape record, StructField struc):
                    return Record(record, struc.Fields, struc.MaxDefinitionLevel, struc);
                case (ListShape list, ListField { Item: DataField { IsArray: true } repeated } legacy):
                    // A 2-level list (parquet-avro's old structure, Impala, old Hive): its repeated element carries the levels.
                    return List(list, parentLevel + (legacy.IsNullable ? 1 : 0), repeated.MaxDefinitionLevel, repeated.MaxRepetitionLevel, Repeated(list, repeated), repeated);
                case (ListShape list, ListField standard):
                    return List(list, parentLevel + (standard.IsNullable ? 1 : 0), standard.MaxDefinitionLevel, standard.MaxRepetitionLevel, Node(list.Item, standard.Item, standard.MaxDefinitionLevel), standard.Item);
                case (ListShape list, DataField { IsArray: true } repeated):
                    // A repeated value column (no LIST group): never null, its values never null.
                    return List(list, parentLevel, repeated.MaxDefinitionLevel, repeated.MaxRepetitionLevel, Repeated(list, repeated), repeated);
                case (MapShape map, MapField { Key: DataField } mapField):
                    var key = Node(map.KeyShape, mapField.Key, mapField.MaxDefinitionLevel);
                    var value = Node(map.ValueShape, mapField.Value, mapField.MaxDefinitionLevel);
                    var keyNull = NullError(mapField.Key, map.KeyShape, "a null map key");
                    var valueNull = map.ValueShape.CanHoldNull ? null : NullError(mapField.Value, map.ValueShape, "a null map value");
                    return (LevelNode)Activator.CreateInstance(typeof(MapLevelNode<,,>).MakeGenericType(map.Type, map.Key, map.Value),
                        key.First, parentLevel + (mapField.IsNullable ? 1 : 0), mapField.MaxDefinitionLevel, mapField.MaxRepetitionLevel, key, value, map.Finish, keyNull, valueNull)!;
                default:
                    throw Refused(column, $"is {Describe(column)} in the file but member '{shape.Path}' is {Describe(shape)}");
            }
        }

        private static LevelNode List(ListShape list, int level, int elementLevel, int repetition, LevelNode item, Field itemColumn)
        {
            var nullError = list.Item.CanHoldNull ? null : NullError(itemColumn, list.Item, "a null list element");
            return (LevelNode)Activator.CreateInstance(typeof(ListLevelNode<,>).MakeGenericType(list.Type, list.Element),
                item.First, level, elementLevel, repetition, item, list.Finish, nullError)!;
        }

        private LevelNode Repeated(ListShape list, DataField repeated) =>
            list.Item is ValueShape value
                ? Value(value, repeated)
                : throw Refused(repeated, $"is a repeated {ClassShape.NameOf(FileSchemas.Logical(repeated.ClrType))} in the file but member '{list.Path}' holds {Describe(list.Item)}");

        private LevelNode Value(ValueShape shape, DataField column)
        {
            var raw = Raw(column);
            if (raw == typeof(ReadOnlyMemory<char>) && shape.Type == typeof(string))
            {
                return new TextLevelNode(AddLeaf(column), column.MaxDefinitionLevel);
            }

            var convert = ValueConverters.For(raw, column, shape.Type)
                ?? throw Refused(column, $"is {(Float16Columns.Is(column) ? "FLOAT16" : ClassShape.NameOf(FileSchemas.Logical(column.ClrType)))} in the file but {typeof(T).Name} reads it as {ClassShape.NameOf(shape.Type)} (member '{shape.Path}')");
            var leaf = AddLeaf(column);
            return (LevelNode)Activator.CreateInstance(typeof(ValueLevelNode<,>).MakeGenericType(raw, shape.Type), leaf, column.MaxDefinitionLevel, convert)!;
        }

        private int AddLeaf(DataField column)
        {
            var raw = Raw(column);
            var cursor = raw == typeof(ReadOnlyMemory<char>) ? typeof(TextCursor) : typeof(LevelCursor<>).MakeGenericType(raw);
            _leaves.Add(new Leaf(column.Path.ToString(), defined => (LevelCursor)Activator.CreateInstance(cursor, defined)!));
            return _leaves.Count - 1;
        }

        private static DataField FirstLeaf(Field field) => field switch
        {
            DataField d => d,
            StructField s => FirstLeaf(s.Fields[0]),
            ListField l => FirstLeaf(l.Item),
            MapField m => FirstLeaf(m.Key),
            _ => throw new InvalidDataException($"column '{field.Path}' has no value column"),
        };

        /// <summary>What Parquet.Net decodes a column to: strings and byte arrays as memory (no copy), else the column's type.</summary>
        private static Type Raw(DataField column) =>
            FileSchemas.Logical(column.ClrType) == typeof(string) ? typeof(ReadOnlyMemory<char>)
            : FileSchemas.Logical(column.ClrType) == typeof(byte[]) ? typeof(ReadOnlyMemory<byte>)
            : column.ClrType;

        private static Field? Find(IReadOnlyList<Field> columns, string name) =>
            columns.FirstOrDefault(c => c.Name == name) ?? columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

        private static string NullError(Field column, ClassShape shape, string what) =>
            $"column '{column.Path}' holds {what}, which member '{shape.Path}' ({ClassShape.NameOf(shape.Type)}) cannot hold (a null value in a non-nullable member)";

        private InvalidDataException Refused(Field column, string why) =>
            new($"{(file.Length > 0 ? $"Parquet input '{file}': " : string.Empty)}column '{column.Path}' {why}.");

        private static string Describe(Field column) => column switch
        {
            StructField => "a struct",
            ListField => "a list",
            MapField => "a map",
            DataField { IsArray: true } d => $"a repeated {ClassShape.NameOf(FileSchemas.Logical(d.ClrType))}",
            DataField d => $"a {ClassShape.NameOf(FileSchemas.Logical(d.ClrType))} column",
            _ => column.GetType().Name,
        };

        private static string Describe(ClassShape shape) => shape switch
        {
            RecordShape => $"a record ({ClassShape.NameOf(shape.Type)})",
            ListShape => $"a list ({ClassShape.NameOf(shape.Type)})",
            MapShape => $"a map ({ClassShape.NameOf(shape.Type)})",
            _ => $"a value ({ClassShape.NameOf(shape.Type)})",
        };
    }
}

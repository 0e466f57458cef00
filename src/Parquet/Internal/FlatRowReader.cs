using System.Buffers;
using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;
using global::Parquet;
using global::Parquet.Schema;
using global::Parquet.Serialization;

namespace ActorFlow.Parquet.Internal;

/// <summary>
/// INTERNAL API. Reads the rows of a type whose Parquet columns are all top-level (no nested classes, lists or
/// maps) column by column into pooled arrays and sets each row's members from them (Parquet.Net's
/// <see cref="ParquetSerializer"/> assembles a row group's rows in new whole-row-group arrays; for 50,000 rows each is a
/// large object, and their churn drives full collections). Same values as the serializer (tested: <c>ColumnReadSpec</c>):
/// a null leaves the member as the constructor left it. A column of either nullability reads into a member of either
/// (a null into a member that cannot hold one fails the row group); a file whose column differs in type from the
/// class's is left to <see cref="ClassLevels{T}"/>. A positional record is made through its constructor.
/// </summary>
internal sealed class FlatRowReader<T>
    where T : class
{
    private readonly Column[] _columns;
    private readonly Func<ColumnValues?[], int, T> _create;

    /// <summary>Columns whose value the constructor takes (not set again after it).</summary>
    private readonly bool[] _inConstructor;

    private FlatRowReader(Column[] columns, Func<ColumnValues?[], int, T> create, bool[] inConstructor)
    {
        _columns = columns;
        _create = create;
        _inConstructor = inConstructor;
    }

    /// <summary>
    /// A reader for <typeparamref name="T"/>, or null when a column of it is nested, a member cannot be bound, or it has
    /// neither a parameterless constructor nor one whose parameters are all its columns' members (a positional record).
    /// </summary>
    public static FlatRowReader<T>? TryCreate()
    {
        try
        {
            // The schema the serializer reads with (members it can set).
            var schema = typeof(T).GetParquetSchema(true);
            var columns = new List<Column>();
            foreach (var field in schema.Fields)
            {
                if (field is not DataField data || data.IsArray || Column.Bind(data) is not { } column)
                {
                    return null;
                }

                columns.Add(column);
            }

            var inConstructor = new bool[columns.Count];
            return Constructor(columns, inConstructor) is { } create ? new FlatRowReader<T>([.. columns], create, inConstructor) : null;
        }
        catch (AmbiguousMatchException)
        {
            return null; // a member hidden by another of the same name: the serializer's way decides
        }
    }

    /// <summary>
    /// How a row is made: <c>new T()</c>, else (a C# positional record) the public constructor with the most
    /// parameters whose parameters all name a column's member (ignoring case) of the same type: each takes its column's
    /// value, or, for a column the file lacks or a null its type can hold, the parameter's default value (else its type's
    /// default); a null its type cannot hold fails the row group before (as for a settable member).
    /// </summary>
    private static Func<ColumnValues?[], int, T>? Constructor(List<Column> columns, bool[] inConstructor)
    {
        var values = Expression.Parameter(typeof(ColumnValues?[]), "values");
        var row = Expression.Parameter(typeof(int), "row");
        if (typeof(T).GetConstructor(Type.EmptyTypes) is { } parameterless)
        {
            return Expression.Lambda<Func<ColumnValues?[], int, T>>(Expression.New(parameterless), values, row).Compile();
        }

        foreach (var constructor in typeof(T).GetConstructors().OrderByDescending(c => c.GetParameters().Length))
        {
            var parameters = constructor.GetParameters();
            var indexes = parameters.Select(p => columns.FindIndex(c => string.Equals(c.MemberName, p.Name, StringComparison.OrdinalIgnoreCase) && c.MemberType == p.ParameterType)).ToArray();
            if (parameters.Length == 0 || indexes.Contains(-1))
            {
                continue;
            }

            var arguments = parameters.Select((p, i) => (Expression)Expression.Call(
                typeof(FlatRowReader<T>).GetMethod(nameof(Argument), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(p.ParameterType),
                Expression.ArrayIndex(values, Expression.Constant(indexes[i])),
                row,
                Expression.Constant(p.HasDefaultValue && p.DefaultValue is not null ? p.DefaultValue : (p.ParameterType.IsValueType ? Activator.CreateInstance(p.ParameterType) : null), p.ParameterType)));
            foreach (var index in indexes)
            {
                inConstructor[index] = true;
            }

            return Expression.Lambda<Func<ColumnValues?[], int, T>>(Expression.New(constructor, arguments), values, row).Compile();
        }

        return null;
    }

    /// <summary>A constructor argument: typed when the column stores the parameter's type, else boxed (a TimeOnly or DateOnly column stores a nullable one).</summary>
    private static TValue Argument<TValue>(ColumnValues? values, int row, TValue fallback) => values switch
    {
        ColumnValues<TValue> typed => typed.Value(row) is { } value ? value : fallback,
        _ => values?.Get(row) is TValue boxed ? boxed : fallback,
    };

    /// <summary>
    /// Reads rows <paramref name="start"/> to the end of a row group and hands each with its row index to
    /// <paramref name="add"/>; returns the row group's row count, or null (nothing read) when a column of the file does
    /// not match the class's.
    /// </summary>
    public async ValueTask<int?> TryReadAsync(ParquetReader file, int rowGroup, int start, Action<T, int> add, CancellationToken cancellationToken)
    {
        // Only the file's top-level columns can be the class's (a nested column is never one, whatever its path).
        // By name, exactly or else ignoring case (as DuckDB and Spark match columns: a file's "id" is a class's "Id").
        var fileFields = new Dictionary<string, Field>(StringComparer.Ordinal);
        var ignoringCase = new Dictionary<string, Field>(StringComparer.OrdinalIgnoreCase);
        foreach (var field in Float16Columns.SchemaOf(file).Fields)
        {
            fileFields[field.Name] = field;
            ignoringCase.TryAdd(field.Name, field);
        }

        var present = new DataField?[_columns.Length];
        for (var c = 0; c < _columns.Length; c++)
        {
            if (fileFields.TryGetValue(_columns[c].Field.Name, out var found) || ignoringCase.TryGetValue(_columns[c].Field.Name, out found))
            {
                if (found is not DataField data || !_columns[c].Fits(data))
                {
                    return null;
                }

                present[c] = data;
            }
        }

        using var group = file.OpenRowGroupReader(rowGroup);
        var rows = checked((int)group.RowCount);
        var values = new ColumnValues?[_columns.Length];
        try
        {
            for (var c = 0; c < _columns.Length; c++)
            {
                if (present[c] is { } field)
                {
                    values[c] = _columns[c].Rent(rows);
                    try
                    {
                        await values[c]!.ReadAsync(group, field, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception e) when (PhysicalColumns.NamesNoColumn(e))
                    {
                        throw PhysicalColumns.Failed(field, e);
                    }
                }
            }

            for (var row = start; row < rows; row++)
            {
                var value = _create(values, row);
                for (var c = 0; c < values.Length; c++)
                {
                    if (!_inConstructor[c])
                    {
                        values[c]?.Set(value, row);
                    }
                }

                add(value, row);
            }
        }
        finally
        {
            foreach (var column in values)
            {
                column?.Return();
            }
        }

        return rows;
    }

    /// <summary>One top-level column of <typeparamref name="T"/>: its field and how its values are read and set.</summary>
    private abstract class Column(DataField field)
    {
        public DataField Field { get; } = field;

        public string MemberName { get; private set; } = "";

        public Type MemberType { get; private set; } = typeof(object);

        public static Column? Bind(DataField field)
        {
            if (ClrMembers.MemberNameOf(field) is not string name)
            {
                return null;
            }

            var member = (MemberInfo?)typeof(T).GetProperty(name, BindingFlags.Public | BindingFlags.Instance)
                ?? typeof(T).GetField(name, BindingFlags.Public | BindingFlags.Instance);
            var memberType = member switch
            {
                PropertyInfo { SetMethod.IsPublic: true, GetMethod.IsPublic: true } p when p.GetIndexParameters().Length == 0 => p.PropertyType,
                FieldInfo { IsInitOnly: false } f => f.FieldType,
                _ => null,
            };
            if (memberType is null)
            {
                return null;
            }

            var column = Of(field, member!, memberType);
            if (column is not null)
            {
                column.MemberName = member!.Name;
                column.MemberType = memberType;
            }

            return column;
        }

        private static Column? Of(DataField field, MemberInfo member, Type memberType)
        {
            if ((Nullable.GetUnderlyingType(memberType) ?? memberType) == typeof(TimeOnly) && field is TimeDataField)
            {
                return new TimeColumn(field, TimeColumn.Setter(Setter(member, memberType)));
            }

            if ((Nullable.GetUnderlyingType(memberType) ?? memberType) == typeof(DateOnly) && field.ClrType == typeof(DateOnly))
            {
                return new DateColumn(field, DateColumn.Setter(Setter(member, memberType)));
            }

            Type? kind = null;
            if (memberType == typeof(string) && FileSchemas.Logical(field.ClrType) == typeof(string))
            {
                kind = typeof(StringColumn);
            }
            else if (memberType == typeof(byte[]) && FileSchemas.Logical(field.ClrType) == typeof(byte[]))
            {
                kind = typeof(BytesColumn);
            }
            else if (memberType.IsValueType && field.ClrType == memberType && !field.IsNullable)
            {
                kind = typeof(ValueColumn<>).MakeGenericType(typeof(T), memberType);
            }
            else if (Nullable.GetUnderlyingType(memberType) is { } underlying && field.ClrType == underlying && field.IsNullable)
            {
                kind = typeof(NullableColumn<>).MakeGenericType(typeof(T), underlying);
            }

            return kind is null ? null : (Column)Activator.CreateInstance(kind, field, Setter(member, memberType))!;
        }

        /// <summary>
        /// True when the file's column decodes to the same values the class's column would: same type, not repeated,
        /// and the same nullability, or a required string or byte-array column read into an optional member.
        /// </summary>
        public virtual bool Fits(DataField file) =>
            FileSchemas.Logical(file.ClrType) == FileSchemas.Logical(Field.ClrType) && !file.IsArray && file.MaxRepetitionLevel == 0
            && (file.IsNullable == Field.IsNullable || (!file.IsNullable && !FileSchemas.Logical(Field.ClrType).IsValueType));

        public abstract ColumnValues Rent(int rows);

        private static Delegate Setter(MemberInfo member, Type memberType)
        {
            var row = Expression.Parameter(typeof(T), "row");
            var value = Expression.Parameter(memberType, "value");
            var assign = Expression.Assign(Expression.MakeMemberAccess(row, member), value);
            return Expression.Lambda(typeof(Action<,>).MakeGenericType(typeof(T), memberType), assign, row, value).Compile();
        }
    }

    /// <summary>A column's values for one row group, in an array rented for the read.</summary>
    private abstract class ColumnValues
    {
        public abstract ValueTask ReadAsync(ParquetRowGroupReader group, DataField field, CancellationToken cancellationToken);

        public abstract void Set(T row, int index);

        /// <summary>The value of a row, boxed (null for a null), for a constructor's argument.</summary>
        public abstract object? Get(int index);

        public abstract void Return();
    }

    private abstract class ColumnValues<TValue>(Action<T, TValue> set, int rows) : ColumnValues
    {
        private readonly TValue[] _values = ArrayPool<TValue>.Shared.Rent(rows);
        private readonly int _rows = rows;

        protected Memory<TValue> Memory => _values.AsMemory(0, _rows);

        public sealed override void Set(T row, int index)
        {
            // As the serializer: a null leaves the member as the constructor left it.
            if (_values[index] is { } value)
            {
                set(row, value);
            }
        }

        public sealed override object? Get(int index) => _values[index];

        public TValue Value(int index) => _values[index];

        public sealed override void Return() =>
            ArrayPool<TValue>.Shared.Return(_values, clearArray: System.Runtime.CompilerServices.RuntimeHelpers.IsReferenceOrContainsReferences<TValue>());
    }

    private sealed class StringColumn(DataField field, Action<T, string?> set) : Column(field)
    {
        // Equal values share one string across the row groups this reader reads (a source's reader reads all of them).
        private readonly SharedStrings _shared = new();

        public override ColumnValues Rent(int rows) => new Values(set, rows, _shared);

        /// <summary>
        /// Reads the column's characters as Parquet.Net decodes them and makes each value a string once per distinct
        /// value of the column across the row groups read (up to <see cref="SharedStrings.Limit"/> kept): a key column
        /// repeats a few values, and a string per row is what reading it allocated most (and what a window or buffer held
        /// per entry; a key that is the same string in every row group is compared by reference).
        /// </summary>
        private sealed class Values(Action<T, string?> set, int rows, SharedStrings shared) : ColumnValues<string?>(set, rows)
        {
            public override async ValueTask ReadAsync(ParquetRowGroupReader group, DataField field, CancellationToken cancellationToken)
            {
                var rows = Memory.Length;
                var chars = ArrayPool<ReadOnlyMemory<char>>.Shared.Rent(rows);
                var levels = field.MaxDefinitionLevel > 0 ? ArrayPool<int>.Shared.Rent(rows) : null;
                try
                {
                    await group.ReadRawAsync(field, chars.AsMemory(0, rows), levels?.AsMemory(0, rows), null, cancellationToken).ConfigureAwait(false);
                    Fill(chars, levels, field.MaxDefinitionLevel, Memory.Span, new DistinctStrings(shared, DistinctStrings.IsDictionaryEncoded(group, field)));
                }
                finally
                {
                    ArrayPool<ReadOnlyMemory<char>>.Shared.Return(chars, clearArray: true);
                    if (levels is not null)
                    {
                        ArrayPool<int>.Shared.Return(levels);
                    }
                }
            }

            private static void Fill(ReadOnlyMemory<char>[] chars, int[]? levels, int maxLevel, Span<string?> values, DistinctStrings strings)
            {
                // The raw read packs the non-null values; a definition level below the maximum is a null row.
                var next = 0;
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = levels is not null && levels[i] < maxLevel ? null : strings.Get(chars[next++]);
                }
            }
        }
    }

    /// <summary>
    /// A TIME column into a <see cref="TimeOnly"/> member, converted by the column's unit: Parquet.Net 6.1's serializer
    /// takes a TIME(MICROS) value for ticks (a time DuckDB, pyarrow or Spark wrote read ten times too small, and the
    /// serializer writes ticks, which the sink therefore refuses to land).
    /// </summary>
    private sealed class TimeColumn(DataField field, Action<T, TimeOnly?> set) : Column(field)
    {
        public static Action<T, TimeOnly?> Setter(Delegate member) => member switch
        {
            Action<T, TimeOnly> required => (row, value) => required(row, value!.Value), // a null never gets here
            _ => (Action<T, TimeOnly?>)member,
        };

        /// <summary>Of either nullability: a null into a member that cannot hold one fails the row group.</summary>
        public override bool Fits(DataField file) =>
            TimeColumns.UnitOf(file) is not null && !file.IsArray && file.MaxRepetitionLevel == 0;

        public override ColumnValues Rent(int rows) => new Values(Field, set, rows);

        private sealed class Values(DataField member, Action<T, TimeOnly?> set, int rows) : ColumnValues<TimeOnly?>(set, rows)
        {
            public override async ValueTask ReadAsync(ParquetRowGroupReader group, DataField field, CancellationToken cancellationToken)
            {
                var rows = Memory.Length;
                var levels = field.MaxDefinitionLevel > 0 ? ArrayPool<int>.Shared.Rent(rows) : null;
                var raw = ArrayPool<long>.Shared.Rent(rows);
                var millis = field.ClrType == typeof(int) ? ArrayPool<int>.Shared.Rent(rows) : null;
                var unit = TimeColumns.UnitOf(field)!.Value;
                try
                {
                    if (millis is not null)
                    {
                        await group.ReadRawAsync(field, millis.AsMemory(0, rows), levels?.AsMemory(0, rows), null, cancellationToken).ConfigureAwait(false);
                        for (var i = 0; i < rows; i++)
                        {
                            raw[i] = TimeColumns.Ticks(millis[i], unit);
                        }
                    }
                    else
                    {
                        await group.ReadRawAsync(field, raw.AsMemory(0, rows), levels?.AsMemory(0, rows), null, cancellationToken).ConfigureAwait(false);
                        for (var i = 0; i < rows; i++)
                        {
                            raw[i] = TimeColumns.Ticks(raw[i], unit);
                        }
                    }

                    // The raw read packs the non-null values; a definition level below the maximum is a null row.
                    var values = Memory.Span;
                    var next = 0;
                    for (var i = 0; i < rows; i++)
                    {
                        var isNull = levels is not null && levels[i] < field.MaxDefinitionLevel;
                        if (isNull && !member.IsNullable)
                        {
                            throw NullInRequired(field, member, typeof(TimeOnly), i);
                        }

                        values[i] = isNull ? null : new TimeOnly(raw[next++]);
                    }
                }
                finally
                {
                    ArrayPool<long>.Shared.Return(raw);
                    if (millis is not null)
                    {
                        ArrayPool<int>.Shared.Return(millis);
                    }

                    if (levels is not null)
                    {
                        ArrayPool<int>.Shared.Return(levels);
                    }
                }
            }
        }
    }

    /// <summary>A DATE column into a <see cref="DateOnly"/> member (Parquet.Net decodes a DATE as a <see cref="DateTime"/>).</summary>
    private sealed class DateColumn(DataField field, Action<T, DateOnly?> set) : Column(field)
    {
        public static Action<T, DateOnly?> Setter(Delegate member) => member switch
        {
            Action<T, DateOnly> required => (row, value) => required(row, value!.Value), // a null never gets here
            _ => (Action<T, DateOnly?>)member,
        };

        /// <summary>Of either nullability: a null into a member that cannot hold one fails the row group.</summary>
        public override bool Fits(DataField file) =>
            file is DateTimeDataField { DateTimeFormat: DateTimeFormat.Date } && !file.IsArray && file.MaxRepetitionLevel == 0;

        public override ColumnValues Rent(int rows) => new Values(Field, set, rows);

        private sealed class Values(DataField member, Action<T, DateOnly?> set, int rows) : ColumnValues<DateOnly?>(set, rows)
        {
            public override async ValueTask ReadAsync(ParquetRowGroupReader group, DataField field, CancellationToken cancellationToken)
            {
                var rows = Memory.Length;
                var read = ArrayPool<DateTime?>.Shared.Rent(rows);
                try
                {
                    await PhysicalColumns.ReadAsync(group, field, read.AsMemory(0, rows), cancellationToken).ConfigureAwait(false); // of either nullability
                    var values = Memory.Span;
                    for (var i = 0; i < rows; i++)
                    {
                        if (read[i] is { } day)
                        {
                            values[i] = DateOnly.FromDateTime(day);
                        }
                        else
                        {
                            values[i] = member.IsNullable ? null : throw NullInRequired(field, member, typeof(DateOnly), i);
                        }
                    }
                }
                finally
                {
                    ArrayPool<DateTime?>.Shared.Return(read);
                }
            }
        }
    }

    private sealed class BytesColumn(DataField field, Action<T, byte[]?> set) : Column(field)
    {
        public override ColumnValues Rent(int rows) => new Values(set, rows);

        private sealed class Values(Action<T, byte[]?> set, int rows) : ColumnValues<byte[]?>(set, rows)
        {
            public override ValueTask ReadAsync(ParquetRowGroupReader group, DataField field, CancellationToken cancellationToken) =>
                group.ReadAsync(field, Memory, null, cancellationToken);
        }
    }

    private sealed class ValueColumn<TValue>(DataField field, Action<T, TValue> set) : Column(field)
        where TValue : struct
    {
        /// <summary>Also an optional column into a member that cannot hold null (every column of DuckDB, pyarrow or
        /// Spark is optional): it reads while the column holds no null, as Spark reads it.</summary>
        public override bool Fits(DataField file) =>
            base.Fits(file) || (file.IsNullable && !Field.IsNullable && file.ClrType == Field.ClrType && !file.IsArray && file.MaxRepetitionLevel == 0)
            || HalfFloats.Fit(file, typeof(TValue));

        public override ColumnValues Rent(int rows) => new Values(Field, set, rows);

        private sealed class Values(DataField member, Action<T, TValue> set, int rows) : ColumnValues<TValue>(set, rows)
        {
            public override async ValueTask ReadAsync(ParquetRowGroupReader group, DataField field, CancellationToken cancellationToken)
            {
                if (Float16Columns.Is(field))
                {
                    await HalfFloats.ReadAsync(group, field, Memory, (value, row) => value is { } v ? (TValue)(object)v : throw NullInRequired(field, member, typeof(TValue), row), cancellationToken).ConfigureAwait(false);
                    return;
                }

                if (!field.IsNullable)
                {
                    await PhysicalColumns.ReadAsync(group, field, Memory, cancellationToken).ConfigureAwait(false);
                    Timestamps.Specify(Memory.Span, field);
                    return;
                }

                var rows = Memory.Length;
                var read = ArrayPool<TValue?>.Shared.Rent(rows);
                try
                {
                    await PhysicalColumns.ReadAsync(group, field, read.AsMemory(0, rows), cancellationToken).ConfigureAwait(false);
                    var values = Memory.Span;
                    for (var i = 0; i < rows; i++)
                    {
                        values[i] = read[i] ?? throw NullInRequired(field, member, typeof(TValue), i);
                    }

                    Timestamps.Specify(values, field);
                }
                finally
                {
                    ArrayPool<TValue?>.Shared.Return(read);
                }
            }
        }
    }

    private sealed class NullableColumn<TValue>(DataField field, Action<T, TValue?> set) : Column(field)
        where TValue : struct
    {
        /// <summary>Also a required column (what the sink writes for a member that cannot hold null).</summary>
        public override bool Fits(DataField file) =>
            (file.ClrType == Field.ClrType && !file.IsArray && file.MaxRepetitionLevel == 0) || HalfFloats.Fit(file, typeof(TValue));

        public override ColumnValues Rent(int rows) => new Values(set, rows);

        private sealed class Values(Action<T, TValue?> set, int rows) : ColumnValues<TValue?>(set, rows)
        {
            public override async ValueTask ReadAsync(ParquetRowGroupReader group, DataField field, CancellationToken cancellationToken)
            {
                if (Float16Columns.Is(field))
                {
                    await HalfFloats.ReadAsync(group, field, Memory, (value, _) => value is { } v ? (TValue)(object)v : null, cancellationToken).ConfigureAwait(false);
                    return;
                }

                await PhysicalColumns.ReadAsync(group, field, Memory, cancellationToken).ConfigureAwait(false); // of either nullability
                Timestamps.Specify(Memory.Span, field);
            }
        }
    }

    /// <summary>A FLOAT16 column (its raw two bytes, see <see cref="Float16Columns"/>) into a <c>float</c> member.</summary>
    private static class HalfFloats
    {
        public static bool Fit(DataField file, Type member) =>
            member == typeof(float) && Float16Columns.Is(file) && !file.IsArray && file.MaxRepetitionLevel == 0;

        public static async ValueTask ReadAsync<TValue>(ParquetRowGroupReader group, DataField field, Memory<TValue> into, Func<float?, int, TValue> make, CancellationToken cancellationToken)
        {
            var rows = into.Length;
            var raw = ArrayPool<byte[]?>.Shared.Rent(rows);
            try
            {
                await group.ReadAsync(field, raw.AsMemory(0, rows), null, cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < rows; i++)
                {
                    into.Span[i] = make(raw[i] is { } bytes ? Float16Columns.ToSingle(bytes) : null, i);
                }
            }
            finally
            {
                ArrayPool<byte[]?>.Shared.Return(raw, clearArray: true);
            }
        }
    }

    /// <summary>A null in an optional column whose member cannot hold one: the row group is bad (Spark's "null value in a non-nullable field").</summary>
    private static InvalidDataException NullInRequired(DataField column, DataField member, Type memberType, int row) =>
        new($"column '{column.Path}' holds a null (row {row} of the row group), which {typeof(T).Name}.{member.Name} ({memberType.Name}) cannot hold; declare it {memberType.Name}? to read nulls");

    /// <summary>A TIMESTAMP's kind comes from its column (<see cref="TimestampKinds"/>), as the level assembler gives it.</summary>
    private static class Timestamps
    {
        public static void Specify<TValue>(Span<TValue> values, DataField field)
        {
            if ((typeof(TValue) != typeof(DateTime) && typeof(TValue) != typeof(DateTime?)) || TimestampKinds.Of(field) is not { } kind)
            {
                return;
            }

            for (var i = 0; i < values.Length; i++)
            {
                if (typeof(TValue) == typeof(DateTime))
                {
                    ref var time = ref Unsafe.As<TValue, DateTime>(ref values[i]);
                    time = DateTime.SpecifyKind(time, kind);
                }
                else
                {
                    ref var time = ref Unsafe.As<TValue, DateTime?>(ref values[i]);
                    time = time is { } t ? DateTime.SpecifyKind(t, kind) : null;
                }
            }
        }
    }
}

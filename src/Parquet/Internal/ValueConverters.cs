using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using global::Parquet.Schema;

namespace ActorFlow.Parquet.Internal;

/// <summary>
/// INTERNAL API. How a value column's decoded value becomes a member's: compiled <c>Func&lt;TRaw, TValue&gt;</c>s, made
/// once per pair of types (a string column into a string member is <see cref="TextLevelNode"/>'s, not here). A column
/// converts into a member of its own type (nullable or not), a byte array from its memory, an enum from its underlying integer (as Parquet.Net maps enums), a <see cref="DateOnly"/> from a
/// DATE, a <see cref="float"/> from a FLOAT16, a <see cref="TimeOnly"/> from a TIME by its unit (milli-, micro- or nanoseconds), and a
/// <see cref="DateTime"/> with the kind its TIMESTAMP says: <see cref="DateTimeKind.Utc"/> when adjusted to UTC,
/// <see cref="DateTimeKind.Unspecified"/> when not (a wall-clock time; Parquet.Net 6.1 decodes it as
/// <see cref="DateTimeKind.Local"/> without moving it, or as Unspecified, depending on the file). Nothing else
/// converts: no widening, as the serializer.
/// </summary>
internal static class ValueConverters
{
    private static readonly ConcurrentDictionary<(Type Raw, Type Target, Conversion Kind), Delegate> Compiled = new();

    private enum Conversion
    {
        Same,
        Bytes,
        Enum,
        Timestamp,
        Utc,
        WallClock,
        Date,
        TimeMillis,
        TimeMicros,
        TimeNanos,
        Float16,
    }

    /// <summary>A <c>Func&lt;<paramref name="raw"/>, <paramref name="target"/>&gt;</c>, or null when the column's values cannot be the member's.</summary>
    public static Delegate? For(Type raw, DataField column, Type target) =>
        KindOf(column, Nullable.GetUnderlyingType(target) ?? target) is { } kind ? Compiled.GetOrAdd((raw, target, kind), k => Compile(k.Raw, k.Target, k.Kind)) : null;

    private static Conversion? KindOf(DataField column, Type member)
    {
        var type = FileSchemas.Logical(column.ClrType);
        if (Float16Columns.Is(column))
        {
            // A FLOAT16 column's raw two bytes: a float member reads the value (as DuckDB does), a byte[] member the bytes.
            return member == typeof(float) ? Conversion.Float16 : member == typeof(byte[]) ? Conversion.Bytes : null;
        }

        if (member == typeof(string) || type == typeof(string))
        {
            return null; // a string column reads only into a string member, through a TextCursor
        }

        if (member == typeof(byte[]))
        {
            return type == typeof(byte[]) ? Conversion.Bytes : null;
        }

        if (member == typeof(DateOnly))
        {
            return column is DateTimeDataField { DateTimeFormat: DateTimeFormat.Date } ? Conversion.Date : type == typeof(DateOnly) ? Conversion.Same : null;
        }

        if (member == typeof(TimeOnly))
        {
            return TimeColumns.UnitOf(column) switch
            {
                TimeUnitPrecision.Millis => Conversion.TimeMillis,
                TimeUnitPrecision.Micros => Conversion.TimeMicros,
                TimeUnitPrecision.Nanos => Conversion.TimeNanos,
                _ => null,
            };
        }

        if (member == typeof(DateTime))
        {
            return TimestampKinds.Of(column) switch
            {
                DateTimeKind.Utc => Conversion.Utc,
                DateTimeKind.Unspecified => Conversion.WallClock,
                _ => type == typeof(DateTime) ? Conversion.Timestamp : null,
            };
        }

        if (member.IsEnum)
        {
            return Enum.GetUnderlyingType(member) == type ? Conversion.Enum : null;
        }

        return member == type ? Conversion.Same : null;
    }

    private static Delegate Compile(Type raw, Type target, Conversion kind)
    {
        var value = Expression.Parameter(raw, "raw");
        Expression body = kind switch
        {
            Conversion.Same => value,
            Conversion.Enum => Expression.Convert(value, Nullable.GetUnderlyingType(target) ?? target),
            _ => Expression.Call(typeof(ValueConverters).GetMethod(kind.ToString(), BindingFlags.NonPublic | BindingFlags.Static)!, value),
        };
        if (body.Type != target)
        {
            body = Expression.Convert(body, target);
        }

        return Expression.Lambda(typeof(Func<,>).MakeGenericType(raw, target), body, value).Compile();
    }

    private static byte[] Bytes(ReadOnlyMemory<byte> raw) => raw.ToArray();

    private static float Float16(ReadOnlyMemory<byte> raw) => Float16Columns.ToSingle(raw);

    /// <summary>A DATE, INT96 or legacy TIMESTAMP_MILLIS/MICROS value as Parquet.Net decodes it (Local never: it has no zone).</summary>
    private static DateTime Timestamp(DateTime raw) => raw.Kind == DateTimeKind.Local ? DateTime.SpecifyKind(raw, DateTimeKind.Unspecified) : raw;

    private static DateTime Utc(DateTime raw) => DateTime.SpecifyKind(raw, DateTimeKind.Utc);

    /// <summary>A TIMESTAMP not adjusted to UTC: Parquet.Net 6.1 marks it Local (or, in some files, Unspecified) without moving it.</summary>
    private static DateTime WallClock(DateTime raw) => DateTime.SpecifyKind(raw, DateTimeKind.Unspecified);

    private static DateOnly Date(DateTime raw) => DateOnly.FromDateTime(raw);

    private static TimeOnly TimeMillis(int raw) => new(TimeColumns.Ticks(raw, TimeUnitPrecision.Millis));

    private static TimeOnly TimeMicros(long raw) => new(TimeColumns.Ticks(raw, TimeUnitPrecision.Micros));

    private static TimeOnly TimeNanos(long raw) => new(TimeColumns.Ticks(raw, TimeUnitPrecision.Nanos));
}

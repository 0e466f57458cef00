using System.Globalization;
using global::Parquet;
using global::Parquet.Data;
using global::Parquet.Schema;

namespace ActorFlow.Parquet.Internal;

/// <summary>INTERNAL API. Row-group pruning from min/max statistics.</summary>
internal static class RowGroupStatistics
{
    /// <summary>
    /// Whether the statistics prove that no row of the group lies in one of <paramref name="ranges"/>. A range names a
    /// top-level column (a struct member of the same name does not count); a column without statistics (or absent from
    /// the file, or not a plain value column), statistics that cannot be decoded, and a NaN minimum or maximum
    /// (parquet.thrift: such a bound "should be ignored") never exclude.
    /// </summary>
    public static bool Excludes(ParquetSchema schema, ParquetRowGroupReader group, IReadOnlyList<ColumnRange> ranges)
    {
        var columns = schema.Fields.OfType<DataField>().Where(f => !f.IsArray && f.MaxRepetitionLevel == 0).ToList();
        foreach (var range in ranges)
        {
            var field = columns.FirstOrDefault(f => f.Name == range.Column)
                ?? columns.FirstOrDefault(f => string.Equals(f.Name, range.Column, StringComparison.OrdinalIgnoreCase));
            if (field is null || Bounds(group, field) is not var (min, max))
            {
                continue;
            }

            // A bound that is no value of the column's type (a string for a number) prunes nothing: it is not the file's fault.
            if ((range.Min is not null && As(range.Min, max) is { } low && max.CompareTo(low) < 0)
                || (range.Max is not null && As(range.Max, min) is { } high && min.CompareTo(high) > 0))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The row group's minimum and maximum of <paramref name="field"/> as comparable values, or null when they prune nothing.</summary>
    private static (IComparable Min, IComparable Max)? Bounds(ParquetRowGroupReader group, DataField field)
    {
        try
        {
            if (FileSchema.IsString(field))
            {
                // A string's statistics compare as their raw bytes (the format's order for strings is unsigned bytes): what
                // Parquet.Net decodes them to is a string, with replacement characters where a writer cut a value short
                // or widened a bound to bytes that are no UTF-8 (as this sink does, see StatisticsMends.Utf8).
                return group.GetMetadata(field)?.MetaData?.Statistics is { MinValue: { } minBytes, MaxValue: { } maxBytes }
                    ? (new Utf8Bytes(minBytes), new Utf8Bytes(maxBytes))
                    : null;
            }

            if (Float16Columns.Is(field))
            {
                // Parquet.Net decodes a FLOAT16's statistics by the file's own element, as a Half it cannot make: the raw
                // min_value and max_value (two bytes each, little-endian), as floats.
                return group.GetMetadata(field)?.MetaData?.Statistics is { MinValue: { Length: 2 } low, MaxValue: { Length: 2 } high }
                    && Float16Columns.ToSingle(low) is var lowest && Float16Columns.ToSingle(high) is var highest
                    && !float.IsNaN(lowest) && !float.IsNaN(highest)
                    ? (lowest, highest)
                    : null;
            }

            if (group.GetStatistics(field) is not { MinValue: { } minValue, MaxValue: { } maxValue }
                || Comparable(field, minValue) is not { } min || Comparable(field, maxValue) is not { } max
                || IsNaN(min) || IsNaN(max))
            {
                return null;
            }

            return (min, max);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Parquet.Net cannot decode every writer's statistics (a DECIMAL stored as BYTE_ARRAY, as parquet-avro and
            // HVR write it, throws): without them the row group is read, as without statistics.
            return null;
        }
    }

    private static bool IsNaN(IComparable value) => value is double d ? double.IsNaN(d) : value is float f && float.IsNaN(f);

    /// <summary>
    /// A statistic as a value of the column: a DECIMAL stored as INT32 or INT64 (DuckDB's, Spark's and pyarrow's for
    /// precision up to 18) has its unscaled integer as statistic (2.50 → 250), and a wider one a <see cref="BigDecimal"/>:
    /// both become the decimal they stand for (compared unscaled, a row group of 2.50 was skipped by a range up to 5);
    /// a statistic that is no comparable value of the column is ignored (null).
    /// </summary>
    private static IComparable? Comparable(DataField field, object value)
    {
        if (field is DecimalDataField d)
        {
            try
            {
                return value switch
                {
                    decimal m => m,
                    int or long => Convert.ToDecimal(value, CultureInfo.InvariantCulture) / Pow10(d.Scale),
                    BigDecimal big => (decimal)big.UnscaledValue / Pow10(big.Scale),
                    _ => null,
                };
            }
            catch (OverflowException)
            {
                return null;
            }
        }

        // A TIMESTAMP's statistics are its raw INT64 (milli-, micro- or nanoseconds since the epoch), a DATE's its INT32 days.
        if (field is DateTimeDataField t && value is long or int)
        {
            var raw = Convert.ToInt64(value, CultureInfo.InvariantCulture);
            try
            {
                return t.DateTimeFormat switch
                {
                    DateTimeFormat.Date => DateTime.UnixEpoch.AddDays(raw),
                    DateTimeFormat.DateAndTime => DateTime.UnixEpoch.AddMilliseconds(raw),
                    DateTimeFormat.DateAndTimeMicros => DateTime.UnixEpoch.AddTicks(raw * TimeSpan.TicksPerMicrosecond),
                    DateTimeFormat.Timestamp => DateTime.UnixEpoch.AddTicks(t.Unit switch
                    {
                        DateTimeTimeUnit.Millis => raw * TimeSpan.TicksPerMillisecond,
                        DateTimeTimeUnit.Nanos => raw / TimeSpan.NanosecondsPerTick,
                        _ => raw * TimeSpan.TicksPerMicrosecond,
                    }),
                    _ => null,
                };
            }
            catch (ArgumentOutOfRangeException)
            {
                return null;
            }
        }

        // The format orders an unsigned integer column (UINT_32, UINT_64) unsigned, but Parquet.Net decodes its statistics
        // as the signed physical INT32/INT64: 3,000,000,000 as -1,294,967,296.
        if (field.ClrType == typeof(uint) && value is int signed32)
        {
            return unchecked((uint)signed32);
        }

        if (field.ClrType == typeof(ulong) && value is long signed64)
        {
            return unchecked((ulong)signed64);
        }

        return value as IComparable;
    }

    private static decimal Pow10(int exponent)
    {
        var result = 1m;
        for (var i = 0; i < exponent; i++)
        {
            result *= 10;
        }

        return result;
    }

    /// <summary>
    /// A range bound as a value like <paramref name="like"/>, or null when it is none: against a timestamp or date, a
    /// <see cref="DateTime"/> (its wall clock), a <see cref="DateTimeOffset"/> (its UTC instant), a <see cref="DateOnly"/>
    /// or a long of epoch milliseconds (ActorFlow's event time).
    /// </summary>
    private static object? As(IComparable value, object like)
    {
        if (like is Utf8Bytes)
        {
            return value is string text ? new Utf8Bytes(System.Text.Encoding.UTF8.GetBytes(text)) : null;
        }

        if (value.GetType() == like.GetType())
        {
            return value;
        }

        if (like is DateTime)
        {
            try
            {
                return value switch
                {
                    DateTimeOffset o => o.UtcDateTime,
                    DateOnly d => d.ToDateTime(TimeOnly.MinValue),
                    long or int => DateTime.UnixEpoch.AddMilliseconds(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
                    _ => null,
                };
            }
            catch (ArgumentOutOfRangeException)
            {
                return null;
            }
        }

        try
        {
            return Convert.ChangeType(value, like.GetType(), CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException)
        {
            return null;
        }
    }

    /// <summary>
    /// A string statistic or bound as UTF-8 bytes, ordered as the Parquet format orders strings: unsigned bytes, which is
    /// the order of Unicode code points (B &lt; Z &lt; a &lt; é), not a culture's.
    /// </summary>
    private sealed class Utf8Bytes(byte[] bytes) : IComparable
    {
        public byte[] Bytes => bytes;

        public int CompareTo(object? obj) => bytes.AsSpan().SequenceCompareTo(((Utf8Bytes)obj!).Bytes);
    }
}

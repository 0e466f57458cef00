using System.Globalization;
using global::Parquet;
using global::Parquet.Data;
using global::Parquet.Schema;

namespace ActorFlow.Parquet.Internal;

/// <summary>INTERNAL API. Row-group pruning from min/max statistics.</summary>
internal static class RowGroupStatistics
{
    /// <summary>
    /// Whether the statistics prove that no row of the group lies in one of <paramref name="ranges"/>. A column
    /// without statistics (or absent from the file) never excludes.
    /// </summary>
    public static bool Excludes(ParquetSchema schema, ParquetRowGroupReader group, IReadOnlyList<ColumnRange> ranges)
    {
        foreach (var range in ranges)
        {
            var field = schema.GetDataFields().FirstOrDefault(f => f.Name == range.Column)
                ?? schema.GetDataFields().FirstOrDefault(f => string.Equals(f.Name, range.Column, StringComparison.OrdinalIgnoreCase));
            if (field is null || group.GetStatistics(field) is not { MinValue: { } minValue, MaxValue: { } maxValue }
                || Comparable(field, minValue) is not { } min || Comparable(field, maxValue) is not { } max)
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
}

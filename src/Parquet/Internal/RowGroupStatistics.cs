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

            if ((range.Min is not null && max.CompareTo(As(range.Min, max)) < 0) || (range.Max is not null && min.CompareTo(As(range.Max, min)) > 0))
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

    private static object As(IComparable value, object like) =>
        value.GetType() == like.GetType() ? value : Convert.ChangeType(value, like.GetType(), CultureInfo.InvariantCulture);
}

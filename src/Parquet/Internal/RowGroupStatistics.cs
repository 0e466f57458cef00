using System.Globalization;
using global::Parquet;
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
            if (field is null || group.GetStatistics(field) is not { MinValue: IComparable min, MaxValue: IComparable max })
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

    private static object As(IComparable value, object like) =>
        value.GetType() == like.GetType() ? value : Convert.ChangeType(value, like.GetType(), CultureInfo.InvariantCulture);
}

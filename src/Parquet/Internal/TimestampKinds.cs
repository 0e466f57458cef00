using global::Parquet.Schema;

namespace ActorFlow.Parquet.Internal;

/// <summary>
/// INTERNAL API. The <see cref="DateTimeKind"/> a TIMESTAMP column's values read with, for every reader of the source: not
/// adjusted to UTC (DuckDB's TIMESTAMP, Spark's TIMESTAMP_NTZ, pyarrow's timestamp without a time zone) a wall-clock time
/// of no zone, <see cref="DateTimeKind.Unspecified"/>; adjusted, <see cref="DateTimeKind.Utc"/>. Parquet.Net 6.1 gives a
/// wall-clock time <see cref="DateTimeKind.Local"/> (which claims the machine's zone) or leaves it Unspecified, by how
/// the file stores it.
/// </summary>
internal static class TimestampKinds
{
    /// <summary>The kind of a TIMESTAMP column's values; null for other columns (DATE, INT96, legacy TIMESTAMP_MILLIS/MICROS).</summary>
    public static DateTimeKind? Of(DataField column) => column is DateTimeDataField { DateTimeFormat: DateTimeFormat.Timestamp } timestamp
        ? timestamp.IsAdjustedToUTC ? DateTimeKind.Utc : DateTimeKind.Unspecified
        : null;
}

using global::Parquet.Meta;
using global::Parquet.Schema;

namespace ActorFlow.Parquet.Internal;

/// <summary>
/// INTERNAL API. What a TIME column is, for every reader of the source (column reader, level assembler, Avro records):
/// Parquet.Net 6.1 names a column with the TIME logical type a <see cref="TimeDataField"/>, but one that carries only the
/// legacy converted type (TIME_MILLIS, TIME_MICROS: older parquet-mr writers and Parquet.Net's own) is a plain
/// <see cref="int"/> or <see cref="long"/> column.
/// </summary>
internal static class TimeColumns
{
    /// <summary>The unit of a TIME column, or null when the column is no TIME.</summary>
    public static TimeUnitPrecision? UnitOf(DataField column) => column switch
    {
        TimeDataField time => time.Precision,
        _ when column.SchemaElement?.ConvertedType == ConvertedType.TIME_MILLIS && column.ClrType == typeof(int) => TimeUnitPrecision.Millis,
        _ when column.SchemaElement?.ConvertedType == ConvertedType.TIME_MICROS && column.ClrType == typeof(long) => TimeUnitPrecision.Micros,
        _ => null,
    };

    /// <summary>The .NET ticks of a stored TIME value (nanoseconds are cut to ticks of 100 ns).</summary>
    public static long Ticks(long raw, TimeUnitPrecision unit) => unit switch
    {
        TimeUnitPrecision.Millis => raw * TimeSpan.TicksPerMillisecond,
        TimeUnitPrecision.Nanos => raw / TimeSpan.NanosecondsPerTick,
        _ => raw * TimeSpan.TicksPerMicrosecond,
    };
}

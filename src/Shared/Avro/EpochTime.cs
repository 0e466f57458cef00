namespace ActorFlow.Shared;

/// <summary>INTERNAL API. Avro's timestamps as counts of a unit since the Unix epoch (ActorFlow.Avro's logical types and the Parquet sink's).</summary>
internal static class EpochTime
{
    /// <summary>The ticks of <paramref name="value"/> since the epoch divided by <paramref name="unit"/>, rounded towards the past.</summary>
    /// <param name="value">The time (its clock reading: its <see cref="DateTime.Kind"/> is not looked at).</param>
    /// <param name="unit">Ticks per unit (<see cref="TimeSpan.TicksPerMillisecond"/>, <see cref="TimeSpan.TicksPerMicrosecond"/>).</param>
    /// <returns>The count of units.</returns>
    public static long Since(DateTime value, long unit) => Math.DivRem(value.Ticks - DateTime.UnixEpoch.Ticks, unit) is var (q, r) && r < 0 ? q - 1 : q;
}

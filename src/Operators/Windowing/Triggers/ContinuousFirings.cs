namespace ActorFlow.Operators.Windowing.Triggers;

/// <summary>INTERNAL API. What the continuous triggers (event time and processing time) share: the interval and the pending firing's cell.</summary>
internal static class ContinuousFirings
{
    /// <summary>The firing interval in milliseconds.</summary>
    /// <exception cref="ArgumentException"><paramref name="interval"/> is not positive or has a sub-millisecond part.</exception>
    public static long Interval(TimeSpan interval)
    {
        var ms = Timestamps.ToWholeMillis(interval, nameof(interval));
        return ms > 0 ? ms : throw new ArgumentException($"The interval of a continuous trigger must be positive but was {interval}.", nameof(interval));
    }

    /// <summary>The first interval boundary at or before <paramref name="time"/> (floored, also for negative times).</summary>
    public static long Start(long time, long interval) => time - (((time % interval) + interval) % interval);

    /// <summary>The firing one interval after <paramref name="time"/>, but not after the window's max timestamp.</summary>
    public static long Next(long time, long interval, TimeWindow window) =>
        (Int128)time + interval > window.MaxTimestamp ? window.MaxTimestamp : time + interval;

    /// <summary>The earliest pending firing of the merged windows (the merged window keeps it), if any.</summary>
    public static bool TryEarliestMerged(IOnMergeContext context, out long earliest)
    {
        var found = false;
        earliest = long.MaxValue;
        for (var i = 0; i < context.MergedWindowCount; i++)
        {
            if (context.TryGetMergedState(i, out var t))
            {
                found = true;
                earliest = Math.Min(earliest, t);
            }
        }

        return found;
    }
}

namespace ActorFlow.Operators.Windowing.Evictors;

/// <summary>Keeps the records whose timestamp is less than <see cref="WindowSize"/> older than the newest record's: those with
/// timestamp ≤ newest − size are evicted, as by Flink's <c>TimeEvictor</c> (so <c>TimeEvictor.Of(TimeSpan.Zero, evictAfter: true)</c>
/// evicts every record once it has been evaluated). Records without a timestamp (<see cref="Timestamps.NoTimestamp"/>, e.g. in
/// count windows) are not evicted: when the first record has none, nothing is.</summary>
public sealed class TimeEvictor : Evictor
{
    private readonly bool _evictAfter;

    private TimeEvictor(long windowSize, bool evictAfter)
    {
        WindowSize = windowSize;
        _evictAfter = evictAfter;
    }

    /// <summary>Gets the span of time kept (ms).</summary>
    public long WindowSize { get; }

    /// <summary>Creates the evictor.</summary>
    /// <param name="windowSize">The span kept (not negative).</param>
    /// <param name="evictAfter">Evict after the window function instead of before.</param>
    /// <returns>The evictor.</returns>
    /// <exception cref="ArgumentException"><paramref name="windowSize"/> is negative or has a sub-millisecond part.</exception>
    public static TimeEvictor Of(TimeSpan windowSize, bool evictAfter = false)
    {
        if (windowSize < TimeSpan.Zero)
        {
            throw new ArgumentException($"The size of a time evictor must not be negative but was {windowSize}.", nameof(windowSize));
        }

        return new TimeEvictor(Timestamps.ToWholeMillis(windowSize, nameof(windowSize)), evictAfter);
    }

    /// <inheritdoc />
    public override void EvictBefore(IEvictionBuffer buffer, TimeWindow window, long currentWatermark)
    {
        if (!_evictAfter)
        {
            Evict(buffer);
        }
    }

    /// <inheritdoc />
    public override void EvictAfter(IEvictionBuffer buffer, TimeWindow window, long currentWatermark)
    {
        if (_evictAfter)
        {
            Evict(buffer);
        }
    }

    private void Evict(IEvictionBuffer buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (buffer.Count == 0 || buffer.GetTimestamp(0) == Timestamps.NoTimestamp)
        {
            return;
        }

        var max = long.MinValue;
        for (var i = 0; i < buffer.Count; i++)
        {
            max = Math.Max(max, buffer.GetTimestamp(i));
        }

        if (max < long.MinValue + WindowSize)
        {
            return; // the cutoff lies before the range of long: no record is that old
        }

        var cutoff = max - WindowSize;
        buffer.RemoveWhere((_, ts) => ts <= cutoff);
    }
}

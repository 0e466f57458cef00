namespace ActorFlow.Operators.Windowing.Evictors;

/// <summary>Keeps at most <see cref="MaxCount"/> records (the most recent arrivals).</summary>
public sealed class CountEvictor : Evictor
{
    private readonly bool _evictAfter;

    private CountEvictor(long maxCount, bool evictAfter)
    {
        MaxCount = maxCount;
        _evictAfter = evictAfter;
    }

    /// <summary>Gets the number of records kept.</summary>
    public long MaxCount { get; }

    /// <summary>Creates the evictor.</summary>
    /// <param name="maxCount">Records kept (positive).</param>
    /// <param name="evictAfter">Evict after the window function instead of before.</param>
    /// <returns>The evictor.</returns>
    /// <exception cref="ArgumentException"><paramref name="maxCount"/> is not positive.</exception>
    public static CountEvictor Of(long maxCount, bool evictAfter = false)
    {
        if (maxCount <= 0)
        {
            throw new ArgumentException($"The count of a count evictor must be positive but was {maxCount}.", nameof(maxCount));
        }

        return new CountEvictor(maxCount, evictAfter);
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
        if (buffer.Count > MaxCount)
        {
            buffer.RemoveFirst((int)(buffer.Count - MaxCount));
        }
    }
}

namespace ActorFlow.Operators.Windowing.Evictors;

/// <summary>
/// Removes records from a window's buffer before and/or after the window function runs, as Flink's
/// <c>Evictor</c>. With an evictor the window keeps every record (even for reduce or aggregate functions); when
/// sessions merge, their records are joined into the merged window's buffer.
/// </summary>
public abstract class Evictor
{
    /// <summary>Called before the window function.</summary>
    /// <param name="buffer">The window's records.</param>
    /// <param name="window">The window.</param>
    /// <param name="currentWatermark">The current watermark.</param>
    public abstract void EvictBefore(IEvictionBuffer buffer, TimeWindow window, long currentWatermark);

    /// <summary>Called after the window function.</summary>
    /// <param name="buffer">The window's records.</param>
    /// <param name="window">The window.</param>
    /// <param name="currentWatermark">The current watermark.</param>
    public abstract void EvictAfter(IEvictionBuffer buffer, TimeWindow window, long currentWatermark);
}

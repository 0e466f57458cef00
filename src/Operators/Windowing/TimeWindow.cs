namespace ActorFlow.Operators.Windowing;

/// <summary>
/// A window of event (or processing) time: <see cref="Start"/> inclusive, <see cref="End"/> exclusive, in epoch
/// milliseconds. Every ActorFlow window is a <see cref="TimeWindow"/>; the global window is
/// <see cref="Global"/> (whose max timestamp is <see cref="long.MaxValue"/>).
/// </summary>
/// <param name="Start">The first millisecond in the window.</param>
/// <param name="End">The first millisecond after the window.</param>
public readonly record struct TimeWindow(long Start, long End)
{
    /// <summary>The single window of <see cref="GlobalWindows"/>.</summary>
    public static readonly TimeWindow Global = new(long.MinValue, long.MaxValue);

    /// <summary>Gets the largest timestamp in the window (<c>End − 1</c>; <see cref="long.MaxValue"/> for <see cref="Global"/>).
    /// An event-time window fires when the watermark reaches it.</summary>
    public long MaxTimestamp => End == long.MaxValue ? long.MaxValue : End - 1;

    /// <summary>Tells whether this window and <paramref name="other"/> overlap or touch (Flink's rule for merging sessions).</summary>
    /// <param name="other">The other window.</param>
    /// <returns><c>true</c> when they intersect.</returns>
    public bool Intersects(TimeWindow other) => Start <= other.End && End >= other.Start;

    /// <summary>Returns the smallest window that covers this window and <paramref name="other"/>.</summary>
    /// <param name="other">The other window.</param>
    /// <returns>The cover.</returns>
    public TimeWindow Cover(TimeWindow other) => new(Math.Min(Start, other.Start), Math.Max(End, other.End));

    /// <summary>Returns the start of the window of size <paramref name="windowSize"/> (aligned to
    /// <paramref name="offset"/>) that contains <paramref name="timestamp"/>.</summary>
    /// <param name="timestamp">Epoch milliseconds.</param>
    /// <param name="offset">The alignment offset (ms).</param>
    /// <param name="windowSize">The window size or slide (ms, positive).</param>
    /// <returns>The window start; <see cref="long.MinValue"/> when the aligned start lies before the range of <see cref="long"/>.</returns>
    public static long GetWindowStartWithOffset(long timestamp, long offset, long windowSize) => WindowArithmetic.StartWithOffset(timestamp, offset, windowSize);

    /// <inheritdoc />
    public override string ToString() => $"TimeWindow[{Start}, {End})";
}

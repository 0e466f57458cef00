using ActorFlow.Operators.Windowing.Triggers;

namespace ActorFlow.Operators.Windowing;

/// <summary>Fixed-size, non-overlapping event-time windows, aligned to the epoch plus an optional offset.</summary>
public sealed class TumblingEventTimeWindows : WindowAssigner
{
    private TumblingEventTimeWindows((long Size, long Offset) spec) => (Size, Offset) = spec;

    /// <summary>Gets the window size (ms).</summary>
    public long Size { get; }

    /// <summary>Gets the alignment offset (ms).</summary>
    public long Offset { get; }

    /// <inheritdoc />
    public override bool IsEventTime => true;

    /// <inheritdoc />
    public override Trigger DefaultTrigger => EventTimeTrigger.Create();

    /// <summary>Creates the assigner.</summary>
    /// <param name="size">The window size (positive, whole milliseconds).</param>
    /// <param name="offset">The alignment offset (|offset| &lt; size, whole milliseconds), e.g. −8 h for days in UTC+8.</param>
    /// <returns>The assigner.</returns>
    /// <exception cref="ArgumentException">The size is not positive, the offset too large, or either has a sub-millisecond part.</exception>
    public static TumblingEventTimeWindows Of(TimeSpan size, TimeSpan offset = default) => new(WindowArithmetic.Tumbling(size, offset));

    /// <inheritdoc />
    public override void AssignWindows(long timestamp, long currentProcessingTime, List<TimeWindow> windows) =>
        WindowArithmetic.AssignTumbling(timestamp, Size, Offset, windows);
}

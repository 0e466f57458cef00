using ActorFlow.Operators.Windowing.Triggers;

namespace ActorFlow.Operators.Windowing;

/// <summary>
/// Fixed-size, non-overlapping processing-time windows: a record goes to the window that holds the injected clock's
/// time when it arrives (its timestamp is not read). The processing-time twin of <see cref="TumblingEventTimeWindows"/>.
/// </summary>
public sealed class TumblingProcessingTimeWindows : WindowAssigner
{
    private TumblingProcessingTimeWindows((long Size, long Offset) spec) => (Size, Offset) = spec;

    /// <summary>Creates the assigner.</summary>
    /// <param name="size">The window size (positive, whole milliseconds).</param>
    /// <param name="offset">The alignment offset (|offset| &lt; size, whole milliseconds).</param>
    /// <returns>The assigner.</returns>
    /// <exception cref="ArgumentException">The size is not positive, the offset too large, or either has a sub-millisecond part.</exception>
    public static TumblingProcessingTimeWindows Of(TimeSpan size, TimeSpan offset = default) => new(WindowArithmetic.Tumbling(size, offset));

    /// <inheritdoc />
    public override void AssignWindows(long timestamp, long currentProcessingTime, List<TimeWindow> windows) =>
        WindowArithmetic.AssignTumbling(currentProcessingTime, Size, Offset, windows);

    /// <inheritdoc />
    public override bool IsEventTime => false;

    /// <inheritdoc />
    public override Trigger DefaultTrigger => ProcessingTimeTrigger.Create();

    /// <summary>Gets the window size (ms).</summary>
    public long Size { get; }

    /// <summary>Gets the alignment offset (ms).</summary>
    public long Offset { get; }
}

using ActorFlow.Operators.Windowing.Triggers;

namespace ActorFlow.Operators.Windowing;

/// <summary>Fixed-size event-time windows that start every slide, so a record belongs to ⌈size/slide⌉ windows.</summary>
public sealed class SlidingEventTimeWindows : WindowAssigner
{
    private SlidingEventTimeWindows((long Size, long Slide, long Offset) spec) => (Size, Slide, Offset) = spec;

    /// <summary>Gets the window size (ms).</summary>
    public long Size { get; }

    /// <summary>Gets the slide (ms).</summary>
    public long Slide { get; }

    /// <summary>Gets the alignment offset (ms).</summary>
    public long Offset { get; }

    /// <inheritdoc />
    public override bool IsEventTime => true;

    /// <inheritdoc />
    public override Trigger DefaultTrigger => EventTimeTrigger.Create();

    /// <summary>Creates the assigner.</summary>
    /// <param name="size">The window size (positive, whole milliseconds).</param>
    /// <param name="slide">How often a window starts (positive, whole milliseconds).</param>
    /// <param name="offset">The alignment offset (|offset| &lt; slide, whole milliseconds).</param>
    /// <returns>The assigner.</returns>
    /// <exception cref="ArgumentException">A size or slide is not positive, the offset is too large, or one has a sub-millisecond part.</exception>
    public static SlidingEventTimeWindows Of(TimeSpan size, TimeSpan slide, TimeSpan offset = default) => new(WindowArithmetic.Sliding(size, slide, offset));

    /// <inheritdoc />
    public override void AssignWindows(long timestamp, long currentProcessingTime, List<TimeWindow> windows) =>
        WindowArithmetic.AssignSliding(timestamp, Size, Slide, Offset, windows);
}

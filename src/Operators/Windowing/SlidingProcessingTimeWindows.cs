using ActorFlow.Operators.Windowing.Triggers;

namespace ActorFlow.Operators.Windowing;

/// <summary>
/// Sliding windows in processing time: a record goes to the ⌈size/slide⌉ windows that hold the injected clock's time
/// when it arrives (its timestamp is not read). The processing-time twin of <see cref="SlidingEventTimeWindows"/>.
/// </summary>
public sealed class SlidingProcessingTimeWindows : WindowAssigner
{
    private SlidingProcessingTimeWindows((long Size, long Slide, long Offset) spec) => (Size, Slide, Offset) = spec;

    /// <summary>Creates the assigner.</summary>
    /// <param name="size">The window size (positive, whole milliseconds).</param>
    /// <param name="slide">How often a window starts (positive, whole milliseconds).</param>
    /// <param name="offset">The alignment offset (|offset| &lt; slide, whole milliseconds).</param>
    /// <returns>The assigner.</returns>
    /// <exception cref="ArgumentException">A size or slide is not positive, the offset is too large, or one has a sub-millisecond part.</exception>
    public static SlidingProcessingTimeWindows Of(TimeSpan size, TimeSpan slide, TimeSpan offset = default) => new(WindowArithmetic.Sliding(size, slide, offset));

    /// <inheritdoc />
    public override void AssignWindows(long timestamp, long currentProcessingTime, List<TimeWindow> windows) =>
        WindowArithmetic.AssignSliding(currentProcessingTime, Size, Slide, Offset, windows);

    /// <inheritdoc />
    public override bool IsEventTime => false;

    /// <inheritdoc />
    public override Trigger DefaultTrigger => ProcessingTimeTrigger.Create();

    /// <summary>Gets the window size (ms).</summary>
    public long Size { get; }

    /// <summary>Gets the slide (ms).</summary>
    public long Slide { get; }

    /// <summary>Gets the alignment offset (ms).</summary>
    public long Offset { get; }
}

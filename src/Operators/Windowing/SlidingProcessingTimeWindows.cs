using ActorFlow.Operators.Windowing.Triggers;

namespace ActorFlow.Operators.Windowing;

/// <summary>Sliding windows in processing time (by the injected clock when the record arrives).</summary>
public sealed class SlidingProcessingTimeWindows : WindowAssigner
{
    private SlidingProcessingTimeWindows(long size, long slide, long offset)
    {
        Size = size;
        Slide = slide;
        Offset = offset;
    }

    /// <summary>Gets the window size (ms).</summary>
    public long Size { get; }

    /// <summary>Gets the slide (ms).</summary>
    public long Slide { get; }

    /// <summary>Gets the alignment offset (ms).</summary>
    public long Offset { get; }

    /// <inheritdoc />
    public override bool IsEventTime => false;

    /// <inheritdoc />
    public override Trigger DefaultTrigger => ProcessingTimeTrigger.Create();

    /// <summary>Creates the assigner.</summary>
    /// <param name="size">The window size (positive).</param>
    /// <param name="slide">How often a window starts (positive).</param>
    /// <param name="offset">The alignment offset (|offset| &lt; slide).</param>
    /// <returns>The assigner.</returns>
    /// <exception cref="ArgumentException">A size or slide is not positive, or the offset is too large.</exception>
    public static SlidingProcessingTimeWindows Of(TimeSpan size, TimeSpan slide, TimeSpan offset = default)
    {
        var sizeMs = RequirePositive(size, nameof(size), "sliding window size");
        var slideMs = RequirePositive(slide, nameof(slide), "sliding window slide");
        return new SlidingProcessingTimeWindows(sizeMs, slideMs, RequireOffset(offset, slideMs, nameof(offset)));
    }

    /// <inheritdoc />
    public override void AssignWindows(long timestamp, long currentProcessingTime, List<TimeWindow> windows) =>
        SlidingEventTimeWindows.Assign(currentProcessingTime, Size, Slide, Offset, windows);
}

using ActorFlow.Operators.Windowing.Triggers;

namespace ActorFlow.Operators.Windowing;

/// <summary>Fixed-size event-time windows that start every slide, so a record belongs to size/slide windows.</summary>
public sealed class SlidingEventTimeWindows : WindowAssigner
{
    private SlidingEventTimeWindows(long size, long slide, long offset)
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
    public override bool IsEventTime => true;

    /// <inheritdoc />
    public override Trigger DefaultTrigger => EventTimeTrigger.Create();

    /// <summary>Creates the assigner.</summary>
    /// <param name="size">The window size (positive).</param>
    /// <param name="slide">How often a window starts (positive).</param>
    /// <param name="offset">The alignment offset (|offset| &lt; slide).</param>
    /// <returns>The assigner.</returns>
    /// <exception cref="ArgumentException">A size or slide is not positive, or the offset is too large.</exception>
    public static SlidingEventTimeWindows Of(TimeSpan size, TimeSpan slide, TimeSpan offset = default)
    {
        var sizeMs = RequirePositive(size, nameof(size), "sliding window size");
        var slideMs = RequirePositive(slide, nameof(slide), "sliding window slide");
        return new SlidingEventTimeWindows(sizeMs, slideMs, RequireOffset(offset, slideMs, nameof(offset)));
    }

    /// <inheritdoc />
    public override void AssignWindows(long timestamp, long currentProcessingTime, List<TimeWindow> windows) =>
        Assign(timestamp, Size, Slide, Offset, windows);

    internal static void Assign(long timestamp, long size, long slide, long offset, List<TimeWindow> windows)
    {
        var lastStart = TimeWindow.GetWindowStartWithOffset(timestamp, offset, slide);
        for (var start = lastStart; start > timestamp - size; start -= slide)
        {
            windows.Add(new TimeWindow(start, start + size));
        }
    }
}

using ActorFlow.Operators.Windowing.Triggers;

namespace ActorFlow.Operators.Windowing;

/// <summary>Fixed-size, non-overlapping processing-time windows (by the injected clock when the record arrives).</summary>
public sealed class TumblingProcessingTimeWindows : WindowAssigner
{
    private TumblingProcessingTimeWindows(long size, long offset)
    {
        Size = size;
        Offset = offset;
    }

    /// <summary>Gets the window size (ms).</summary>
    public long Size { get; }

    /// <summary>Gets the alignment offset (ms).</summary>
    public long Offset { get; }

    /// <inheritdoc />
    public override bool IsEventTime => false;

    /// <inheritdoc />
    public override Trigger DefaultTrigger => ProcessingTimeTrigger.Create();

    /// <summary>Creates the assigner.</summary>
    /// <param name="size">The window size (positive).</param>
    /// <param name="offset">The alignment offset (|offset| &lt; size).</param>
    /// <returns>The assigner.</returns>
    /// <exception cref="ArgumentException">The size is not positive or the offset too large.</exception>
    public static TumblingProcessingTimeWindows Of(TimeSpan size, TimeSpan offset = default)
    {
        var sizeMs = RequirePositive(size, nameof(size), "tumbling window size");
        return new TumblingProcessingTimeWindows(sizeMs, RequireOffset(offset, sizeMs, nameof(offset)));
    }

    /// <inheritdoc />
    public override void AssignWindows(long timestamp, long currentProcessingTime, List<TimeWindow> windows)
    {
        var start = TimeWindow.GetWindowStartWithOffset(currentProcessingTime, Offset, Size);
        windows.Add(new TimeWindow(start, start + Size));
    }
}

using ActorFlow.Operators.Windowing;

namespace ActorFlow.Operators.Tests.Windowing.Flink;

// Flink: TimeWindowTest.testGetWindowStartWithOffset, TumblingEventTimeWindowsTest.testWindowAssignment(WithOffset|WithNegativeOffset),
// SlidingEventTimeWindowsTest.testWindowAssignment(WithOffset)
public sealed class FlinkWindowStartSpec
{
    /// <summary>Verify the aligned window start for positive, negative and zero offsets (Flink's own table, incl. UTC+8 days).</summary>
    /// <param name="timestamp">The time.</param>
    /// <param name="offset">The offset.</param>
    /// <param name="size">The size.</param>
    /// <param name="start">Flink's start.</param>
    [Theory]
    [InlineData(1, 0, 7, 0)]
    [InlineData(6, 0, 7, 0)]
    [InlineData(7, 0, 7, 7)]
    [InlineData(8, 0, 7, 7)]
    [InlineData(1, 3, 7, -4)]
    [InlineData(2, 3, 7, -4)]
    [InlineData(3, 3, 7, 3)]
    [InlineData(9, 3, 7, 3)]
    [InlineData(10, 3, 7, 10)]
    [InlineData(1, -2, 7, -2)]
    [InlineData(-2, -2, 7, -2)]
    [InlineData(3, -2, 7, -2)]
    [InlineData(4, -2, 7, -2)]
    [InlineData(7, -2, 7, 5)]
    [InlineData(12, -2, 7, 12)]
    [InlineData(1470902048450, -28_800_000, 86_400_000, 1470844800000)]
    [InlineData(-1, 0, 7, -7)]
    [InlineData(-7, 0, 7, -7)]
    [InlineData(-8, 0, 7, -14)]
    public void The_window_start_must_be_Flinks(long timestamp, long offset, long size, long start) =>
        Assert.Equal(start, TimeWindow.GetWindowStartWithOffset(timestamp, offset, size));

    /// <summary>Verify tumbling windows of 5 s with offsets 0, +100 ms and −100 ms (Flink's TumblingEventTimeWindowsTest).</summary>
    /// <param name="offset">The offset (ms).</param>
    /// <param name="timestamp">The time.</param>
    /// <param name="start">Flink's window start (the end is start + 5000).</param>
    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(0, 4999, 0)]
    [InlineData(0, 5000, 5000)]
    [InlineData(100, 100, 100)]
    [InlineData(100, 5099, 100)]
    [InlineData(100, 5100, 5100)]
    [InlineData(-100, 0, -100)]
    [InlineData(-100, 4899, -100)]
    [InlineData(-100, 4900, 4900)]
    public void Tumbling_windows_must_be_Flinks(long offset, long timestamp, long start)
    {
        var windows = new List<TimeWindow>();
        TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(offset)).AssignWindows(timestamp, 0, windows);
        Assert.Equal([new TimeWindow(start, start + 5000)], windows);
    }

    /// <summary>Verify sliding windows of 5 s sliding by 1 s (with offset 0 and 100 ms), latest start first, as Flink's assigner lists them.</summary>
    /// <param name="offset">The offset (ms).</param>
    /// <param name="timestamp">The time.</param>
    /// <param name="starts">Flink's window starts.</param>
    [Theory]
    [InlineData(0, 0, new long[] { 0, -1000, -2000, -3000, -4000 })]
    [InlineData(0, 4999, new long[] { 4000, 3000, 2000, 1000, 0 })]
    [InlineData(0, 5000, new long[] { 5000, 4000, 3000, 2000, 1000 })]
    [InlineData(100, 100, new long[] { 100, -900, -1900, -2900, -3900 })]
    [InlineData(100, 5099, new long[] { 4100, 3100, 2100, 1100, 100 })]
    [InlineData(100, 5100, new long[] { 5100, 4100, 3100, 2100, 1100 })]
    public void Sliding_windows_must_be_Flinks(long offset, long timestamp, long[] starts)
    {
        var windows = new List<TimeWindow>();
        SlidingEventTimeWindows.Of(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(offset)).AssignWindows(timestamp, 0, windows);
        Assert.Equal(starts.Select(s => new TimeWindow(s, s + 5000)), windows);
    }

    /// <summary>Verify that a session window is [timestamp, timestamp + gap) (Flink's EventTimeSessionWindowsTest).</summary>
    [Fact]
    public void A_session_window_must_span_the_gap_from_the_record()
    {
        var windows = new List<TimeWindow>();
        EventTimeSessionWindows.WithGap(TimeSpan.FromSeconds(5)).AssignWindows(5000, 0, windows);
        EventTimeSessionWindows.WithGap(TimeSpan.FromSeconds(5)).AssignWindows(-3000, 0, windows);
        Assert.Equal([new TimeWindow(5000, 10000), new TimeWindow(-3000, 2000)], windows);
    }

    /// <summary>Verify that a size that is not a multiple of the slide gives Flink's windows: every start in (t − size, t],
    /// latest first (5 s windows every 3 s: a record at 7 s is in [6 s, 11 s) and [3 s, 8 s) only).</summary>
    [Fact]
    public void Sliding_windows_with_a_size_not_a_multiple_of_the_slide_must_be_Flinks()
    {
        var windows = new List<TimeWindow>();
        SlidingEventTimeWindows.Of(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(3)).AssignWindows(7000, 0, windows);
        Assert.Equal([new TimeWindow(6000, 11000), new TimeWindow(3000, 8000)], windows);
    }
}

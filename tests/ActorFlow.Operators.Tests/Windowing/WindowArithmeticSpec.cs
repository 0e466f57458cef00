using ActorFlow.Operators.Windowing;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Windowing;

/// <summary>Window starts and ends at the ends of the <see cref="long"/> range are clamped, never wrapped (issue 13).</summary>
public sealed class WindowArithmeticSpec
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    /// <summary>Verify that the aligned start of a time near long.MinValue is clamped to long.MinValue.</summary>
    [Fact]
    public void A_window_start_must_clamp_to_long_MinValue()
    {
        Assert.Equal(long.MinValue, TimeWindow.GetWindowStartWithOffset(long.MinValue, 0, 1_000));
        Assert.Equal(long.MinValue, TimeWindow.GetWindowStartWithOffset(long.MinValue + 1, 0, 1_000));
        Assert.Equal(long.MinValue, TimeWindow.GetWindowStartWithOffset(long.MinValue + 1, 500, 1_000));
    }

    /// <summary>Verify that the aligned start of a time near long.MaxValue is exact, also with an offset that would overflow time − offset.</summary>
    [Fact]
    public void A_window_start_must_not_overflow_near_long_MaxValue()
    {
        Assert.Equal(long.MaxValue - 807, TimeWindow.GetWindowStartWithOffset(long.MaxValue, 0, 1_000));
        Assert.Equal(long.MaxValue - 307, TimeWindow.GetWindowStartWithOffset(long.MaxValue, -500, 1_000));
        Assert.Equal(long.MinValue + 808, TimeWindow.GetWindowStartWithOffset(long.MinValue + 1_000, 0, 1_000));
    }

    /// <summary>Verify that a tumbling window holding a time near long.MinValue starts at long.MinValue and keeps its aligned end.</summary>
    [Fact]
    public void A_TumblingWindow_must_clamp_its_start_at_long_MinValue()
    {
        var windows = new List<TimeWindow>();
        TumblingEventTimeWindows.Of(Second).AssignWindows(long.MinValue + 1, 0, windows);
        Assert.Equal([new TimeWindow(long.MinValue, long.MinValue + 808)], windows);
    }

    /// <summary>Verify that a tumbling window holding a time near long.MaxValue ends at long.MaxValue.</summary>
    [Fact]
    public void A_TumblingWindow_must_clamp_its_end_at_long_MaxValue()
    {
        var windows = new List<TimeWindow>();
        TumblingProcessingTimeWindows.Of(Second).AssignWindows(0, long.MaxValue - 1, windows);
        Assert.Equal([new TimeWindow(long.MaxValue - 807, long.MaxValue)], windows);
    }

    /// <summary>Verify that sliding windows near long.MinValue are all kept (clamped starts, aligned ends) and all hold the time.</summary>
    [Fact]
    public void A_SlidingWindow_must_clamp_starts_at_long_MinValue()
    {
        var windows = new List<TimeWindow>();
        SlidingEventTimeWindows.Of(TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(500)).AssignWindows(long.MinValue + 1, 0, windows);
        Assert.Equal(
            [
                new TimeWindow(long.MinValue, long.MinValue + 1_808),
                new TimeWindow(long.MinValue, long.MinValue + 1_308),
                new TimeWindow(long.MinValue, long.MinValue + 808),
                new TimeWindow(long.MinValue, long.MinValue + 308),
            ],
            windows);
    }

    /// <summary>Verify that sliding windows near long.MaxValue end at most at long.MaxValue and all hold the time.</summary>
    [Fact]
    public void A_SlidingWindow_must_clamp_ends_at_long_MaxValue()
    {
        var windows = new List<TimeWindow>();
        SlidingProcessingTimeWindows.Of(TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(500)).AssignWindows(0, long.MaxValue - 1, windows);
        Assert.Equal(4, windows.Count);
        Assert.All(windows, w => Assert.True(w.Start <= long.MaxValue - 1 && w.End == long.MaxValue));
        Assert.Equal(long.MaxValue - 307, windows[0].Start);
    }

    /// <summary>Verify that an operator fires the clamped window of a record at long.MinValue + 1 when the watermark reaches its end.</summary>
    [Fact]
    public void A_TumblingWindow_must_fire_a_window_clamped_at_long_MinValue()
    {
        var h = OperatorHarness.For(WindowOperators.For<string, long>(TumblingEventTimeWindows.Of(Second)).Reduce((a, b) => a + b));
        h.ProcessElement("a", 3, long.MinValue + 1);
        h.ProcessWatermark(long.MinValue + 807);
        Assert.Equal([new TimeWindow(long.MinValue, long.MinValue + 808).MaxTimestamp], h.Output.Select(r => r.Timestamp));
    }
}

using ActorFlow.Operators.Windowing;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Windowing.Flink;

// Flink: EventTimeSessionWindows.assignWindows (new TimeWindow(timestamp, timestamp + gap), which wraps past Long.MAX_VALUE);
// ActorFlow clamps window ends at long.MaxValue instead (docs/operators.md, "Windows"), as its tumbling and sliding windows do
public sealed class FlinkSessionRangeSpec
{
    /// <summary>Verify that a session opened near long.MaxValue ends at long.MaxValue (not wrapped to a negative end) and fires at
    /// the end of the input.</summary>
    [Fact]
    public void A_session_near_long_MaxValue_must_end_at_long_MaxValue()
    {
        var windows = new List<TimeWindow>();
        EventTimeSessionWindows.WithGap(TimeSpan.FromSeconds(1)).AssignWindows(long.MaxValue - 10, 0, windows);
        Assert.Equal([new TimeWindow(long.MaxValue - 10, long.MaxValue)], windows);

        var h = OperatorHarness.For(WindowOperators.For<string, long>(EventTimeSessionWindows.WithGap(TimeSpan.FromSeconds(1))).Reduce((a, b) => a + b));
        h.ProcessElement("a", 1, long.MaxValue - 10);
        h.ProcessElement("a", 2, long.MaxValue - 5);
        h.ProcessWatermark(long.MaxValue - 1);
        Assert.Empty(h.Output);
        h.ProcessWatermark(Watermark.EndOfInput);
        Assert.Equal([new TimestampedValue<long>(3, long.MaxValue)], h.Output);
    }

    /// <summary>Verify that a processing-time session opened near long.MaxValue ends at long.MaxValue too.</summary>
    [Fact]
    public void A_processing_time_session_near_long_MaxValue_must_end_at_long_MaxValue()
    {
        var windows = new List<TimeWindow>();
        ProcessingTimeSessionWindows.WithGap(TimeSpan.FromSeconds(1)).AssignWindows(0, long.MaxValue - 10, windows);
        Assert.Equal([new TimeWindow(long.MaxValue - 10, long.MaxValue)], windows);
    }
}

using ActorFlow.Operators.Windowing;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Windowing.Flink;

// Flink: WindowOperatorTest.testCleanupTimeOverflow, testCleanupTimerWithEmpty(List|Reduce)StateFor(Tumbling|Session)Windows
public sealed class FlinkCleanupTimeSpec
{
    /// <summary>Verify that a window whose max timestamp + allowed lateness overflows is not cleaned up early by a wrapped
    /// cleanup time, and fires when the watermark reaches its max timestamp.</summary>
    [Fact]
    public void A_cleanup_time_that_overflows_must_not_clean_the_window_up_early()
    {
        var h = OperatorHarness.For(FlinkFixtures.For(TumblingEventTimeWindows.Of(TimeSpan.FromMilliseconds(1000)))
            .WithAllowedLateness(TimeSpan.FromMilliseconds(2000)).Reduce(FlinkFixtures.SumReducer));
        var timestamp = long.MaxValue - 1750;
        var windows = new List<TimeWindow>();
        TumblingEventTimeWindows.Of(TimeSpan.FromMilliseconds(1000)).AssignWindows(timestamp, 0, windows);
        var maxTimestamp = Assert.Single(windows).MaxTimestamp;
        Assert.True(unchecked(maxTimestamp + 2000) < long.MaxValue - 1500); // the wrapped cleanup time Flink guards against

        h.Element("key2", 1, timestamp);
        h.ProcessWatermark(long.MaxValue - 1500);
        Assert.Empty(h.Output);
        h.ProcessWatermark(maxTimestamp);
        Assert.Equal([$"(key2,1)@{maxTimestamp}"], h.Sorted());
    }

    /// <summary>Verify that a tumbling window fires at its max timestamp and is cleaned up at max timestamp + lateness, without a second firing.</summary>
    [Fact]
    public void A_tumbling_window_must_fire_once_and_be_cleaned_up_at_max_timestamp_plus_lateness()
    {
        var op = FlinkFixtures.For(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(2))).WithAllowedLateness(TimeSpan.FromMilliseconds(1)).Reduce(FlinkFixtures.SumReducer);
        var h = OperatorHarness.For(op);
        h.Element("key2", 1, 1000);
        h.ProcessWatermark(1599);
        h.ProcessWatermark(1999);
        Assert.Equal(["(key2,1)@1999"], h.Sorted());
        Assert.Equal([2000L], h.EventTimeTimers("key2"));
        h.ProcessWatermark(2000);
        h.ProcessWatermark(5000);
        Assert.Equal(["(key2,1)@1999"], h.Sorted());
        Assert.Empty(h.EventTimeTimers("key2"));
    }

    /// <summary>Verify that a session fires at its max timestamp and leaves no timer once cleaned up (lateness 10 ms).</summary>
    [Fact]
    public void A_session_must_fire_once_and_be_cleaned_up_at_max_timestamp_plus_lateness()
    {
        var h = OperatorHarness.For(FlinkFixtures.For(EventTimeSessionWindows.WithGap(TimeSpan.FromSeconds(3)))
            .WithAllowedLateness(TimeSpan.FromMilliseconds(10)).Reduce(FlinkFixtures.SumReducer, new FlinkSessionWindowFunction()));
        h.Element("key2", 1, 1000);
        h.ProcessWatermark(4998);
        Assert.Equal(["key2-1:1000-4000@3999"], h.Sorted());
        h.ProcessWatermark(14600);
        Assert.Equal(["key2-1:1000-4000@3999"], h.Sorted());
        Assert.Empty(h.EventTimeTimers("key2"));
    }
}

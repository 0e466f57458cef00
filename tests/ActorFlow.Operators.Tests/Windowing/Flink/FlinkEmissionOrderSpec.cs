using ActorFlow.Operators.Windowing;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Windowing.Flink;

// Flink: InternalTimerServiceImpl.advanceWatermark fires event-time timers in timestamp order, so one watermark that passes the
// ends of several windows emits them in max-timestamp order (the order among windows of equal max timestamp is not defined)
public sealed class FlinkEmissionOrderSpec
{
    /// <summary>Verify that one watermark emits the windows it fires in increasing max-timestamp order, across keys.</summary>
    /// <param name="lateness">The allowed lateness (ms): 0 takes the deferred-timer path, more the timer queue.</param>
    [Theory]
    [InlineData(0)]
    [InlineData(500)]
    public void One_watermark_must_emit_windows_in_max_timestamp_order(long lateness)
    {
        var h = OperatorHarness.For(FlinkFixtures.For(SlidingEventTimeWindows.Of(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1)))
            .WithAllowedLateness(TimeSpan.FromMilliseconds(lateness)).Reduce(FlinkFixtures.SumReducer));
        h.Element("key2", 1, 2500);
        h.Element("key1", 1, 0);
        h.Element("key3", 1, 1500);
        h.ProcessWatermark(10_000);
        var stamps = h.Output.Select(r => r.Timestamp).ToList();
        Assert.Equal(9, stamps.Count);
        Assert.Equal(stamps.Order(), stamps);
    }
}

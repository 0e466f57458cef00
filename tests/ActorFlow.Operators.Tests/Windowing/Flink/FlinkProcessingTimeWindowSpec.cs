using ActorFlow.Operators.Windowing;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Windowing.Flink;

// Flink: WindowOperatorTest.testProcessingTimeTumblingWindows, testProcessingTimeSlidingWindows, testProcessingTimeSessionWindows
public sealed class FlinkProcessingTimeWindowSpec
{
    /// <summary>Verify that processing-time tumbling windows (3 s) ignore event timestamps and fire when the clock passes their end.</summary>
    [Fact]
    public void Processing_time_tumbling_windows_must_fire_as_Flink()
    {
        var clock = new ManualTimeProvider();
        var h = OperatorHarness.For(FlinkFixtures.For(TumblingProcessingTimeWindows.Of(TimeSpan.FromSeconds(3))).WithTimeProvider(clock).Reduce(FlinkFixtures.SumReducer), clock);
        h.SetProcessingTime(3);
        h.Element("key2", 1, long.MaxValue);
        h.Element("key2", 1, 7000);
        h.Element("key2", 1, 7000);
        h.Element("key1", 1, 7000);
        h.Element("key1", 1, 7000);
        h.SetProcessingTime(5000);
        Assert.Equal(["(key1,2)@2999", "(key2,3)@2999"], h.Sorted());
        h.Element("key1", 1, 7000);
        h.Element("key1", 1, 7000);
        h.Element("key1", 1, 7000);
        h.SetProcessingTime(7000);
        Assert.Equal(["(key1,2)@2999", "(key1,3)@5999", "(key2,3)@2999"], h.Sorted());
    }

    /// <summary>Verify that processing-time sliding windows (3 s by 1 s) fire every window a record fell in, as in Flink.</summary>
    [Fact]
    public void Processing_time_sliding_windows_must_fire_as_Flink()
    {
        var clock = new ManualTimeProvider();
        var h = OperatorHarness.For(FlinkFixtures.For(SlidingProcessingTimeWindows.Of(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1)))
            .WithTimeProvider(clock).Reduce(FlinkFixtures.SumReducer), clock);
        h.SetProcessingTime(3);
        h.Element("key2", 1, long.MaxValue);
        h.SetProcessingTime(1000);
        Assert.Equal(["(key2,1)@999"], h.Sorted());
        h.Element("key2", 1, long.MaxValue);
        h.Element("key2", 1, long.MaxValue);
        h.SetProcessingTime(2000);
        h.Element("key1", 1, long.MaxValue);
        h.Element("key1", 1, long.MaxValue);
        h.SetProcessingTime(3000);
        h.Element("key1", 1, long.MaxValue);
        h.Element("key1", 1, long.MaxValue);
        h.Element("key1", 1, long.MaxValue);
        h.SetProcessingTime(7000);
        Assert.Equal(
            FlinkFixtures.Sort(["(key2,1)@999", "(key2,3)@1999", "(key2,3)@2999", "(key1,2)@2999", "(key2,2)@3999", "(key1,5)@3999", "(key1,5)@4999", "(key1,3)@5999"]),
            h.Sorted());
    }

    /// <summary>Verify that processing-time sessions (gap 3 s) merge by arrival time and fire when the clock passes their end.</summary>
    [Fact]
    public void Processing_time_sessions_must_fire_as_Flink()
    {
        var clock = new ManualTimeProvider();
        var h = OperatorHarness.For(FlinkFixtures.For(ProcessingTimeSessionWindows.WithGap(TimeSpan.FromSeconds(3)))
            .WithTimeProvider(clock).Reduce(FlinkFixtures.SumReducer), clock);
        h.SetProcessingTime(3);
        h.Element("key2", 1, 1);
        h.SetProcessingTime(1000);
        h.Element("key2", 1, 1002);
        h.SetProcessingTime(5000);
        Assert.Equal(["(key2,2)@3999"], h.Sorted());
        h.Element("key2", 1, 5000);
        h.Element("key2", 1, 5000);
        h.Element("key1", 1, 5000);
        h.Element("key1", 1, 5000);
        h.Element("key1", 1, 5000);
        h.SetProcessingTime(10000);
        Assert.Equal(["(key1,3)@7999", "(key2,2)@3999", "(key2,2)@7999"], h.Sorted());
    }
}

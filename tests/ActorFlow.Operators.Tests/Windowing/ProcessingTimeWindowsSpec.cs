using ActorFlow.Operators.Windowing;
using ActorFlow.TestKit;
using Microsoft.Extensions.Time.Testing;

namespace ActorFlow.Operators.Tests.Windowing;

public sealed class ProcessingTimeWindowsSpec
{
    /// <summary>Verify that processing-time tumbling windows use the clock, not the record timestamp.</summary>
    [Fact]
    public void A_TumblingProcessingTimeWindow_must_use_the_clock()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(12_000));
        var op = WindowOperators.For<string, long>(TumblingProcessingTimeWindows.Of(TimeSpan.FromSeconds(5))).WithTimeProvider(time).Aggregate(new SumAggregate());
        var h = new OperatorHarness<string, long, long>(op, time);
        h.ProcessElement("a", 1, 0);
        h.ProcessElement("a", 2, Timestamps.NoTimestamp);
        Assert.Equal(14_999, op.NextProcessingTimeTimer);
        time.Advance(TimeSpan.FromSeconds(3));
        h.FireProcessingTimers();
        Assert.Equal([new TimestampedValue<long>(3, 14_999)], h.Output);
    }

    /// <summary>Verify that processing-time sliding windows assign by the clock.</summary>
    [Fact]
    public void A_SlidingProcessingTimeWindow_must_assign_by_the_clock()
    {
        var windows = new List<TimeWindow>();
        SlidingProcessingTimeWindows.Of(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5)).AssignWindows(0, 12_000, windows);
        Assert.Equal([new TimeWindow(10_000, 20_000), new TimeWindow(5_000, 15_000)], windows);
    }

    /// <summary>Verify that processing-time sessions merge and fire by the clock.</summary>
    [Fact]
    public void A_ProcessingTimeSessionWindow_must_merge_and_fire_by_the_clock()
    {
        var clock = new ManualTimeProvider(0);
        var op = WindowOperators.For<string, long>(ProcessingTimeSessionWindows.WithGap(TimeSpan.FromSeconds(1))).WithTimeProvider(clock).Aggregate(new SumAggregate());
        var h = new OperatorHarness<string, long, long>(op, clock);
        h.ProcessElement("a", 1, 0);
        h.SetProcessingTime(500);
        h.ProcessElement("a", 2, 0);
        h.SetProcessingTime(1_498);
        Assert.Empty(h.Output);
        h.SetProcessingTime(1_499);
        Assert.Equal([3L], h.OutputValues());
    }
}

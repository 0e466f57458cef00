using ActorFlow.Operators.Windowing;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Windowing;

public sealed class SlidingEventTimeWindowsSpec
{
    /// <summary>Verify that a record belongs to size/slide windows (Flink docs: 10 s windows sliding by 5 s).</summary>
    [Fact]
    public void A_SlidingWindow_must_assign_every_overlapping_window()
    {
        var windows = new List<TimeWindow>();
        SlidingEventTimeWindows.Of(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5)).AssignWindows(7_000, 0, windows);
        Assert.Equal([new TimeWindow(5_000, 15_000), new TimeWindow(0, 10_000)], windows);
    }

    /// <summary>Verify that each overlapping window fires with its own contents.</summary>
    [Fact]
    public void A_SlidingWindow_must_fire_each_window_with_its_records()
    {
        var h = new OperatorHarness<string, long, string>(
            WindowOperators.For<string, long>(SlidingEventTimeWindows.Of(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5))).Process(new SumWindow()));
        h.ProcessElement("k", 1, 2_000);
        h.ProcessElement("k", 10, 7_000);
        h.ProcessWatermark(20_000);
        Assert.Equal(["k@[-5000,5000)=1", "k@[0,10000)=11", "k@[5000,15000)=10"], h.OutputValues());
    }

    /// <summary>Verify that a non-positive slide is rejected.</summary>
    [Fact]
    public void A_SlidingWindow_must_reject_a_non_positive_slide()
    {
        var ex = Assert.Throws<ArgumentException>(() => SlidingEventTimeWindows.Of(TimeSpan.FromSeconds(10), TimeSpan.Zero));
        Assert.Contains("slide", ex.Message, StringComparison.Ordinal);
    }
}

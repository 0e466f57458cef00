using ActorFlow.Operators.Windowing;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Windowing;

public sealed class TumblingEventTimeWindowsSpec
{
    private static OperatorHarness<string, long, long> SumHarness(TimeSpan size, TimeSpan offset = default) =>
        new(WindowOperators.For<string, long>(TumblingEventTimeWindows.Of(size, offset)).Aggregate(new SumAggregate()));

    /// <summary>Verify that a record goes to the window [start, start + size) that contains it.</summary>
    [Fact]
    public void A_TumblingWindow_must_assign_the_aligned_window()
    {
        var windows = new List<TimeWindow>();
        TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(5)).AssignWindows(7_300, 0, windows);
        Assert.Equal([new TimeWindow(5_000, 10_000)], windows);
    }

    /// <summary>Verify that the offset shifts window alignment (Flink docs: 1 h windows offset by 15 min).</summary>
    [Fact]
    public void A_TumblingWindow_must_apply_the_offset()
    {
        var windows = new List<TimeWindow>();
        TumblingEventTimeWindows.Of(TimeSpan.FromHours(1), TimeSpan.FromMinutes(15)).AssignWindows(3_600_000, 0, windows);
        Assert.Equal([new TimeWindow(900_000, 4_500_000)], windows);
    }

    /// <summary>Verify that negative timestamps fall in the right window.</summary>
    [Fact]
    public void A_TumblingWindow_must_handle_negative_timestamps()
    {
        var windows = new List<TimeWindow>();
        TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(5)).AssignWindows(-1, 0, windows);
        Assert.Equal([new TimeWindow(-5_000, 0)], windows);
    }

    /// <summary>Verify that a window fires when the watermark reaches end − 1 and not before.</summary>
    [Fact]
    public void A_TumblingWindow_must_fire_when_watermark_passes_end()
    {
        var h = SumHarness(TimeSpan.FromSeconds(5));
        h.ProcessElement("a", 1, 1_000);
        h.ProcessElement("a", 2, 4_999);
        h.ProcessElement("a", 10, 5_000);
        h.ProcessWatermark(4_998);
        Assert.Empty(h.Output);
        h.ProcessWatermark(4_999);
        Assert.Equal([new TimestampedValue<long>(3, 4_999)], h.Output);
    }

    /// <summary>Verify that keys are windowed independently.</summary>
    [Fact]
    public void A_TumblingWindow_must_keep_keys_apart()
    {
        var h = SumHarness(TimeSpan.FromSeconds(5));
        h.ProcessElement("a", 1, 1_000);
        h.ProcessElement("b", 100, 2_000);
        h.ProcessElement("a", 2, 3_000);
        h.ProcessWatermark(10_000);
        Assert.Equal([3L, 100L], h.OutputValues().Order());
    }

    /// <summary>Verify that a window's state is removed after it fires (no lateness).</summary>
    [Fact]
    public void A_TumblingWindow_must_clear_state_after_firing()
    {
        var op = WindowOperators.For<string, long>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(5))).Aggregate(new SumAggregate());
        var h = new OperatorHarness<string, long, long>(op);
        h.ProcessElement("a", 1, 1_000);
        h.ProcessWatermark(5_000);
        Assert.Equal(0, ((ActorFlow.Operators.Internal.WindowOperator<string, long, long, long>)op).WindowCount);
    }

    /// <summary>Verify that a zero or negative size is rejected with a message naming the size.</summary>
    [Fact]
    public void A_TumblingWindow_must_reject_a_non_positive_size()
    {
        var ex = Assert.Throws<ArgumentException>(() => TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(-5)));
        Assert.Contains("tumbling window size", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that an offset as large as the size is rejected.</summary>
    [Fact]
    public void A_TumblingWindow_must_reject_an_offset_not_smaller_than_the_size() =>
        Assert.Throws<ArgumentException>(() => TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5)));
}

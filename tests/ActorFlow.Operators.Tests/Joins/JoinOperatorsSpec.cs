using ActorFlow.Operators.Joins;
using ActorFlow.Operators.Windowing;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Joins;

public sealed class JoinOperatorsSpec
{
    /// <summary>Verify that a window join pairs records of the same key and window when the window fires.</summary>
    [Fact]
    public void A_WindowJoin_must_pair_records_of_the_same_key_and_window()
    {
        var h = new TwoInputOperatorHarness<string, long, string, string>(
            JoinOperators.Window<string, long, string, string>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(2)), (l, r) => $"{l}-{r}"));
        h.ProcessElement1("k", 0, 0);
        h.ProcessElement1("k", 1, 1_000);
        h.ProcessElement2("k", "x", 1_500);
        h.ProcessElement2("k", "y", 2_500);
        h.ProcessElement2("other", "z", 500);
        h.ProcessWatermark(1_999);
        Assert.Equal([new("0-x", 1_999), new TimestampedValue<string>("1-x", 1_999)], h.Output);
    }

    /// <summary>Verify that a window join sends records of fired windows to the per-input late outputs.</summary>
    [Fact]
    public void A_WindowJoin_must_send_late_records_to_side_outputs()
    {
        var h = new TwoInputOperatorHarness<string, long, string, string>(
            JoinOperators.Window<string, long, string, string>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(2)), (l, r) => $"{l}-{r}"));
        h.ProcessWatermark(5_000);
        h.ProcessElement1("k", 7, 100);
        h.ProcessElement2("k", "late", 100);
        Assert.Single(h.SideOutput(OutputTags.LateData<long>()));
        Assert.Single(h.SideOutput(OutputTags.LateDataRight<string>()));
        Assert.Equal(2, h.Operator.LateRecordCount);
    }

    /// <summary>Verify that a window join with a session assigner is rejected.</summary>
    [Fact]
    public void A_WindowJoin_must_reject_a_merging_assigner() =>
        Assert.Throws<ArgumentException>(() => JoinOperators.Window<string, long, long, long>(EventTimeSessionWindows.WithGap(TimeSpan.FromSeconds(1)), (a, b) => a + b));

    /// <summary>Verify that an interval join pairs records within [t + lower, t + upper] (Flink docs example: −2 ms .. +1 ms).</summary>
    [Fact]
    public void An_IntervalJoin_must_pair_records_within_the_bounds()
    {
        var h = new TwoInputOperatorHarness<string, long, long, string>(
            JoinOperators.Interval<string, long, long, string>(TimeSpan.FromMilliseconds(-2), TimeSpan.FromMilliseconds(1), (l, r) => $"{l}:{r}"));
        h.ProcessElement2("k", 0, 0);
        h.ProcessElement2("k", 1, 1);
        h.ProcessElement2("k", 4, 4);
        h.ProcessElement1("k", 2, 2);
        h.ProcessElement2("k", 3, 3);
        Assert.Equal(["2:0", "2:1", "2:3"], h.OutputValues());
        Assert.Equal(3, h.Output[2].Timestamp);
    }

    /// <summary>Verify that exclusive bounds exclude the edges.</summary>
    [Fact]
    public void An_IntervalJoin_must_honour_exclusive_bounds()
    {
        var h = new TwoInputOperatorHarness<string, long, long, string>(
            JoinOperators.Interval<string, long, long, string>(TimeSpan.FromMilliseconds(-2), TimeSpan.FromMilliseconds(1), (l, r) => $"{l}:{r}", lowerBoundExclusive: true, upperBoundExclusive: true));
        h.ProcessElement1("k", 2, 2);
        h.ProcessElement2("k", 0, 0);
        h.ProcessElement2("k", 1, 1);
        h.ProcessElement2("k", 3, 3);
        Assert.Equal(["2:1"], h.OutputValues());
    }

    /// <summary>Verify that the interval join buffers survive a snapshot and expire with the watermark.</summary>
    [Fact]
    public void An_IntervalJoin_must_restore_and_expire_buffers()
    {
        static TwoInputOperatorHarness<string, long, long, string> Make() =>
            new(JoinOperators.Interval<string, long, long, string>(TimeSpan.Zero, TimeSpan.FromSeconds(10), (l, r) => $"{l}:{r}"));
        var h = Make();
        h.ProcessElement1("k", 1, 1_000);
        var restored = Make();
        restored.Restore(h.Snapshot());
        restored.ProcessElement2("k", 5, 5_000);
        restored.ProcessWatermark(11_001);
        restored.ProcessElement2("k", 12, 12_000);
        Assert.Equal(["1:5"], restored.OutputValues());
    }

    /// <summary>Verify that inverted bounds are rejected.</summary>
    [Fact]
    public void An_IntervalJoin_must_reject_inverted_bounds() =>
        Assert.Throws<ArgumentException>(() => JoinOperators.Interval<string, long, long, long>(TimeSpan.FromSeconds(1), TimeSpan.Zero, (a, b) => a + b));
}

using ActorFlow.Operators.Joins;
using ActorFlow.Operators.Windowing;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Joins;

public sealed class JoinRejectionSpec
{
    /// <summary>Verify that joins reject null keys and invalid timestamps to the side output of the right input type.</summary>
    [Fact]
    public void Joins_must_reject_bad_records_per_input()
    {
        var h = new TwoInputOperatorHarness<string, long, string, string>(
            JoinOperators.Interval<string, long, string, string>(TimeSpan.Zero, TimeSpan.FromSeconds(1), (l, r) => $"{l}{r}"));
        h.ProcessElement1(null!, 1, 1);
        h.ProcessElement2("k", "x", Timestamps.NoTimestamp);
        Assert.Single(h.SideOutput(OutputTags.Rejected<long>()));
        Assert.Single(h.SideOutput(OutputTags.Rejected<string>()));
        Assert.Equal(2, h.Operator.RejectedRecordCount);
    }

    /// <summary>Verify that a window join's state survives a snapshot.</summary>
    [Fact]
    public void A_WindowJoin_must_restore_from_a_snapshot()
    {
        static TwoInputOperatorHarness<string, long, long, long> Make() =>
            new(JoinOperators.Window<string, long, long, long>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)), (l, r) => (l * 10) + r));
        var h = Make();
        h.ProcessElement1("k", 1, 100);
        var restored = Make();
        restored.Restore(h.Snapshot());
        restored.ProcessElement2("k", 2, 200);
        restored.ProcessWatermark(999);
        Assert.Equal([12L], restored.OutputValues());
    }
}

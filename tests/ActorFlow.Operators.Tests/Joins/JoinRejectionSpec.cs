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

    /// <summary>Verify that a co-process function's null-keyed records go to the Rejected tag of their own input's type.</summary>
    [Fact]
    public void A_co_process_must_reject_null_keys_per_input()
    {
        var h = TwoInputOperatorHarness.For(ActorFlow.Operators.Functions.KeyedProcessOperators.CreateCo(new Both()));
        h.ProcessElement1(null!, 1, 1);
        h.ProcessElement2(null!, "x", 2);
        h.ProcessElement2("k", "y", 3);

        Assert.Equal(1L, Assert.Single(h.SideOutput(OutputTags.Rejected<long>())).Value.Value);
        Assert.Equal("x", Assert.Single(h.SideOutput(OutputTags.Rejected<string>())).Value.Value);
        Assert.Equal(2, h.Operator.RejectedRecordCount);
        Assert.Equal(["y"], h.OutputValues());
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

    private sealed class Both : ActorFlow.Operators.Functions.KeyedCoProcessFunction<string, long, string, string>
    {
        public override void ProcessElement1(long value, Context context, ICollector<string> output) => output.Collect(value.ToString(System.Globalization.CultureInfo.InvariantCulture));

        public override void ProcessElement2(string value, Context context, ICollector<string> output) => output.Collect(value);
    }
}

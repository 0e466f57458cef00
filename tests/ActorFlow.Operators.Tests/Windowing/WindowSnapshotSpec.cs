using ActorFlow.Operators.Windowing;
using ActorFlow.Operators.Windowing.Triggers;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Windowing;

public sealed class WindowSnapshotSpec
{
    private static WindowOperatorBuilder<string, long> Sessions() =>
        WindowOperators.For<string, long>(EventTimeSessionWindows.WithGap(TimeSpan.FromSeconds(10))).WithAllowedLateness(TimeSpan.FromSeconds(5));

    /// <summary>Verify that sessions, timers, trigger state, watermark and counters survive a snapshot.</summary>
    [Fact]
    public void A_WindowOperator_must_continue_identically_after_restore()
    {
        var original = new OperatorHarness<string, long, string>(Sessions().Process(new DescribeWindow()));
        var restored = new OperatorHarness<string, long, string>(Sessions().Process(new DescribeWindow()));
        original.ProcessElement("a", 1, 0);
        original.ProcessElement("b", 2, 3_000);
        original.ProcessWatermark(12_000);
        original.ProcessElement("a", 3, 30_000);
        original.ProcessElement("z", 3, 0);
        restored.Restore(original.Snapshot());
        Assert.Equal(original.Operator.CurrentWatermark, restored.Operator.CurrentWatermark);
        Assert.Equal(original.Operator.LateRecordCount, restored.Operator.LateRecordCount);
        foreach (var h in new[] { original, restored })
        {
            h.ClearOutput();
            h.ProcessElement("a", 4, 35_000);
            h.ProcessElement("b", 5, 12_000);
            h.ProcessWatermark(100_000);
        }

        Assert.Equal(original.Events, restored.Events);
        Assert.NotEmpty(original.Events);
    }

    /// <summary>Verify that a snapshot of another operator kind is refused with a clear error.</summary>
    [Fact]
    public void A_WindowOperator_must_refuse_a_foreign_snapshot()
    {
        var process = new OperatorHarness<string, long, long>(ActorFlow.Operators.Functions.KeyedProcessOperators.Create(new Noop()));
        var window = new OperatorHarness<string, long, long>(WindowOperators.For<string, long>(GlobalWindows.Create()).WithTrigger(CountTrigger.Of(2)).Aggregate(new SumAggregate()));
        var ex = Assert.Throws<InvalidDataException>(() => window.Restore(process.Snapshot()));
        Assert.Contains("another kind of operator: a keyed process function, but this operator is a window operator", ex.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => window.Restore([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    }

    private sealed class Noop : ActorFlow.Operators.Functions.KeyedProcessFunction<string, long, long>
    {
        public override void ProcessElement(long value, Context context, ICollector<long> output)
        {
        }
    }
}

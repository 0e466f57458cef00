using ActorFlow.Operators.Windowing;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Testing;

public sealed class OperatorHarnessSpec
{
    /// <summary>Verify that the harness records main and side outputs in emission order.</summary>
    [Fact]
    public void The_harness_must_record_every_output_in_order()
    {
        var h = new OperatorHarness<string, long, long>(
            WindowOperators.For<string, long>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1))).Aggregate(new SumAggregate()));
        h.ProcessElement("a", 1, 10);
        h.ProcessWatermark(2_000);
        h.ProcessElement("a", 5, 20);
        Assert.Equal([new HarnessEvent(null, 1L, 999), new HarnessEvent(OutputTags.LateDataId, 5L, 20)], h.Events);
        h.ClearOutput();
        Assert.Empty(h.Events);
    }

    /// <summary>Verify that setting processing time moves a manual clock and fires due timers.</summary>
    [Fact]
    public void SetProcessingTime_must_move_the_manual_clock()
    {
        var clock = new ManualTimeProvider(0);
        var h = new OperatorHarness<string, long, long>(
            WindowOperators.For<string, long>(TumblingProcessingTimeWindows.Of(TimeSpan.FromSeconds(1))).WithTimeProvider(clock).Aggregate(new SumAggregate()), clock);
        h.ProcessElement("a", 1, 0);
        h.SetProcessingTime(999);
        Assert.Equal(999, clock.NowMs);
        Assert.Equal([1L], h.OutputValues());
    }
}

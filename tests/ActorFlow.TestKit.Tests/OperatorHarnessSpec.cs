using ActorFlow.Operators;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Windowing;

namespace ActorFlow.TestKit.Tests;

public sealed class OperatorHarnessSpec
{
    private static OperatorHarness<string, long, long> SumOverOneSecond() =>
        OperatorHarness.For(WindowOperators.For<string, long>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1))).Aggregate(Aggregates.Sum<long>(v => v)));

    /// <summary>Verify that the harness records main and side outputs in emission order.</summary>
    [Fact]
    public void The_harness_must_record_every_output_in_order()
    {
        var h = SumOverOneSecond();
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
            WindowOperators.For<string, long>(TumblingProcessingTimeWindows.Of(TimeSpan.FromSeconds(1))).WithTimeProvider(clock).Aggregate(Aggregates.Sum<long>(v => v)), clock);
        h.ProcessElement("a", 1, 0);
        h.SetProcessingTime(999);
        Assert.Equal(999, clock.NowMs);
        Assert.Equal([1L], h.OutputValues());
    }

    /// <summary>Verify that SideOutput with a tag whose element type differs from what was emitted under its id throws, naming both types.</summary>
    [Fact]
    public void SideOutput_must_reject_a_tag_of_the_wrong_element_type()
    {
        var h = SumOverOneSecond();
        h.ProcessWatermark(2_000);
        h.ProcessElement("a", 5, 20);
        var ex = Assert.Throws<ArgumentException>(() => h.SideOutput(OutputTags.LateData<string>()));
        Assert.Equal("tag", ex.ParamName);
        Assert.Contains("System.Int64", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that SideOutput of a side output nothing was sent to is empty.</summary>
    [Fact]
    public void SideOutput_must_be_empty_when_nothing_was_sent()
    {
        var h = SumOverOneSecond();
        h.ProcessElement("a", 5, 20);
        Assert.Empty(h.SideOutput(OutputTags.LateData<long>()));
    }
}

using ActorFlow.Operators;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Windowing;

namespace ActorFlow.TestKit.Tests;

public sealed class OperatorHarnessAssertionsSpec
{
    private static OperatorHarness<string, long, long> SumOverOneSecond() =>
        OperatorHarness.For(WindowOperators.For<string, long>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1))).Aggregate(Aggregates.Sum<long>(v => v)));

    /// <summary>Verify that the output assertions pass on what the operator emitted and fail with the difference otherwise.</summary>
    [Fact]
    public void Output_assertions_must_compare_values_timestamps_and_side_outputs()
    {
        var h = SumOverOneSecond();
        h.AssertNoOutput();
        h.ProcessElement("a", 1, 10);
        h.ProcessElement("b", 2, 20);
        h.ProcessWatermark(2_000);
        h.ProcessElement("a", 5, 30);

        h.AssertOutput(1L, 2L);
        h.AssertOutputInAnyOrder(2L, 1L);
        h.AssertTimestampedOutput((1L, 999), (2L, 999));
        h.AssertSideOutput(OutputTags.LateData<long>(), 5L);
        Assert.Equal(2_000, h.CurrentWatermark);
        var error = Assert.Throws<OutputMismatchException>(() => h.AssertOutput(2L, 1L));
        Assert.Contains("at position 0", error.Message, StringComparison.Ordinal);
        error = Assert.Throws<OutputMismatchException>(() => h.AssertNoOutput());
        Assert.Contains("emitted 3 records: 1@999, 2@999, [" + OutputTags.LateDataId + "] 5@30", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that AdvanceProcessingTime moves the manual clock and fires the processing-time windows then due, and that the next timer is visible.</summary>
    [Fact]
    public void AdvanceProcessingTime_must_move_the_manual_clock_and_fire_due_windows()
    {
        var clock = new ManualTimeProvider(0);
        var h = OperatorHarness.For(WindowOperators.For<string, long>(TumblingProcessingTimeWindows.Of(TimeSpan.FromSeconds(1))).WithTimeProvider(clock).Aggregate(Aggregates.Sum<long>(v => v)), clock);
        h.ProcessElement("a", 4, 0);
        Assert.Equal(999, h.NextProcessingTimeTimer);

        h.AdvanceProcessingTime(TimeSpan.FromMilliseconds(500));
        h.AssertNoOutput();
        h.AdvanceProcessingTime(TimeSpan.FromMilliseconds(499));

        h.AssertOutput(4L);
        Assert.Null(h.NextProcessingTimeTimer);
    }

    /// <summary>Verify that AdvanceProcessingTime refuses a clock the harness cannot move, saying what to do instead.</summary>
    [Fact]
    public void AdvanceProcessingTime_must_refuse_a_clock_it_cannot_move()
    {
        var error = Assert.Throws<InvalidOperationException>(() => SumOverOneSecond().AdvanceProcessingTime(TimeSpan.FromSeconds(1)));
        Assert.Contains("ManualTimeProvider", error.Message, StringComparison.Ordinal);
    }
}

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

    /// <summary>Verify that the harness lists a key's pending event-time timers of a keyed process function, and none once they fired.</summary>
    [Fact]
    public void EventTimeTimers_must_list_the_timers_a_function_registered_for_a_key()
    {
        var h = OperatorHarness.For(KeyedProcessOperators.Create(new RemindLater()));
        h.ProcessElement("a", 1, 1_000);
        h.ProcessElement("a", 2, 3_000);
        h.ProcessElement("b", 3, 2_000);

        Assert.Equal([1_500L, 3_500L], h.EventTimeTimers("a"));
        Assert.Equal([2_500L], h.EventTimeTimers("b"));
        Assert.Empty(h.ProcessingTimeTimers("a"));
        h.ProcessWatermark(2_500);
        Assert.Equal([3_500L], h.EventTimeTimers("a"));
        Assert.Empty(h.EventTimeTimers("b"));
        h.AssertOutput("a@1500", "b@2500");
    }

    /// <summary>Verify that a window operator's timers are its windows' firing times (and, with allowed lateness, cleanup times).</summary>
    [Fact]
    public void EventTimeTimers_must_list_the_firing_and_cleanup_times_of_a_key_s_windows()
    {
        var h = OperatorHarness.For(WindowOperators.For<string, long>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)))
            .WithAllowedLateness(TimeSpan.FromSeconds(1)).Aggregate(Aggregates.Sum<long>(v => v)));
        h.ProcessElement("a", 1, 10);

        Assert.Equal([999L, 1_999L], h.EventTimeTimers("a"));
        h.ProcessWatermark(2_000);
        Assert.Empty(h.EventTimeTimers("a"));
    }

    private sealed class RemindLater : KeyedProcessFunction<string, long, string>
    {
        public override void ProcessElement(long value, Context context, ICollector<string> output) =>
            context.TimerService.RegisterEventTimeTimer(context.Timestamp!.Value + 500);

        public override void OnTimer(long timestamp, OnTimerContext context, ICollector<string> output) =>
            output.Collect(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{context.CurrentKey}@{timestamp}"));
    }
}

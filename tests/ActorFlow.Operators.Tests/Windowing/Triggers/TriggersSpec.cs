using ActorFlow.Operators.Windowing;
using ActorFlow.Operators.Windowing.Triggers;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Windowing.Triggers;

public sealed class TriggersSpec
{
    private static OperatorHarness<string, long, long> Sum(WindowAssigner assigner, Trigger trigger) =>
        new(WindowOperators.For<string, long>(assigner).WithTrigger(trigger).Aggregate(new SumAggregate()));

    /// <summary>Verify that a count trigger fires every n records of a window and keeps the contents.</summary>
    [Fact]
    public void A_CountTrigger_must_fire_every_n_records()
    {
        var h = Sum(GlobalWindows.Create(), CountTrigger.Of(2));
        for (var i = 1; i <= 5; i++)
        {
            h.ProcessElement("a", i, i);
        }

        Assert.Equal([3L, 10L], h.OutputValues());
    }

    /// <summary>Verify that a purging count trigger clears the window after each firing (count windows).</summary>
    [Fact]
    public void A_PurgingTrigger_must_clear_contents_after_firing()
    {
        var h = Sum(GlobalWindows.Create(), PurgingTrigger.Of(CountTrigger.Of(2)));
        for (var i = 1; i <= 5; i++)
        {
            h.ProcessElement("a", i, i);
        }

        Assert.Equal([3L, 7L], h.OutputValues());
    }

    /// <summary>Verify that count windows accept records without an event timestamp.</summary>
    [Fact]
    public void A_count_window_must_accept_records_without_timestamps()
    {
        var h = Sum(GlobalWindows.Create(), PurgingTrigger.Of(CountTrigger.Of(2)));
        h.ProcessElement("a", 1, Timestamps.NoTimestamp);
        h.ProcessElement("a", 2, Timestamps.NoTimestamp);
        Assert.Equal([3L], h.OutputValues());
        Assert.Empty(h.SideOutput(OutputTags.Rejected<long>()));
    }

    /// <summary>Verify that the global window never fires with its default trigger.</summary>
    [Fact]
    public void A_GlobalWindow_must_never_fire_by_default()
    {
        var h = new OperatorHarness<string, long, long>(WindowOperators.For<string, long>(GlobalWindows.Create()).Aggregate(new SumAggregate()));
        h.ProcessElement("a", 1, 1);
        h.ProcessWatermark(long.MaxValue - 1);
        Assert.Empty(h.Output);
    }

    /// <summary>Verify that a continuous event-time trigger fires at every interval and at the window end.</summary>
    [Fact]
    public void A_ContinuousEventTimeTrigger_must_fire_every_interval()
    {
        var h = Sum(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(10)), ContinuousEventTimeTrigger.Of(TimeSpan.FromSeconds(3)));
        h.ProcessElement("a", 1, 500);
        h.ProcessWatermark(3_000);
        h.ProcessElement("a", 2, 4_000);
        h.ProcessWatermark(6_000);
        h.ProcessWatermark(9_999);
        Assert.Equal([1L, 3L, 3L, 3L], h.OutputValues());
    }

    /// <summary>Verify that a processing-time trigger fires on event-time windows when the clock passes their end.</summary>
    [Fact]
    public void A_ProcessingTimeTrigger_must_fire_when_the_clock_passes_the_window_end()
    {
        var clock = new ManualTimeProvider(0);
        var op = WindowOperators.For<string, long>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(5)))
            .WithTrigger(ProcessingTimeTrigger.Create()).WithTimeProvider(clock).Aggregate(new SumAggregate());
        var h = new OperatorHarness<string, long, long>(op, clock);
        h.ProcessElement("a", 4, 1_000);
        h.SetProcessingTime(4_998);
        Assert.Empty(h.Output);
        h.SetProcessingTime(4_999);
        Assert.Equal([4L], h.OutputValues());
    }

    /// <summary>Verify that the event-time trigger fires late records within lateness right away.</summary>
    [Fact]
    public void An_EventTimeTrigger_must_fire_immediately_for_late_records_within_lateness()
    {
        var h = new OperatorHarness<string, long, long>(
            WindowOperators.For<string, long>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(5))).WithAllowedLateness(TimeSpan.FromSeconds(10)).Aggregate(new SumAggregate()));
        h.ProcessWatermark(6_000);
        h.ProcessElement("a", 4, 1_000);
        Assert.Equal([4L], h.OutputValues());
    }

    /// <summary>Verify that count triggers of merged sessions add up their counts.</summary>
    [Fact]
    public void A_CountTrigger_must_merge_counts_of_merged_sessions()
    {
        var h = Sum(EventTimeSessionWindows.WithGap(TimeSpan.FromSeconds(10)), CountTrigger.Of(3));
        h.ProcessElement("a", 1, 0);
        h.ProcessElement("a", 2, 15_000);
        Assert.Empty(h.Output);
        h.ProcessElement("a", 4, 8_000);
        Assert.Equal([7L], h.OutputValues());
    }

    /// <summary>Verify that a non-positive count is rejected.</summary>
    [Fact]
    public void A_CountTrigger_must_reject_a_non_positive_count() => Assert.Throws<ArgumentException>(() => CountTrigger.Of(0));
}

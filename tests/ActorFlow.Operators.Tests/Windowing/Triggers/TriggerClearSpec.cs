using ActorFlow.Operators.Windowing;
using ActorFlow.Operators.Windowing.Triggers;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Windowing.Triggers;

// Flink: WindowOperator.clearAllState calls triggerContext.clear() while the window's trigger state still exists, so
// ContinuousEventTimeTrigger / ContinuousProcessingTimeTrigger.clear read their "fire-time" and delete its timer. On a
// merge, onMerge runs first (mergePartitionedState moves the merged windows' trigger state into the merged window), then
// clear() of each merged-away window sees whatever state onMerge left it.
public sealed class TriggerClearSpec
{
    /// <summary>Verify that cleaning a window up deletes the pending firing of a continuous processing-time trigger.</summary>
    [Fact]
    public void Cleanup_must_delete_the_pending_timer_of_a_ContinuousProcessingTimeTrigger()
    {
        var clock = new ManualTimeProvider(0);
        var h = OperatorHarness.For(WindowOperators.For<string, long>(TumblingEventTimeWindows.Of(TimeSpan.FromMilliseconds(100)))
            .WithTrigger(ContinuousProcessingTimeTrigger.Of(TimeSpan.FromMilliseconds(10)))
            .WithTimeProvider(clock)
            .Aggregate(new SumAggregate()), clock);
        h.ProcessElement("a", 1, 5);
        Assert.Equal([10L], h.ProcessingTimeTimers("a"));

        h.ProcessWatermark(99);

        Assert.Empty(h.ProcessingTimeTimers("a"));
    }

    /// <summary>Verify that cleaning a window up deletes the pending firing of a continuous event-time trigger.</summary>
    [Fact]
    public void Cleanup_must_delete_the_pending_timer_of_a_ContinuousEventTimeTrigger()
    {
        var clock = new ManualTimeProvider(0);
        var h = OperatorHarness.For(WindowOperators.For<string, long>(TumblingProcessingTimeWindows.Of(TimeSpan.FromMilliseconds(100)))
            .WithTrigger(ContinuousEventTimeTrigger.Of(TimeSpan.FromMilliseconds(10)))
            .WithTimeProvider(clock)
            .Aggregate(new SumAggregate()), clock);
        h.ProcessElement("a", 1, 5);
        Assert.Contains(10L, h.EventTimeTimers("a"));

        h.SetProcessingTime(99);

        // The timer at the window's max timestamp (99) is not in the trigger's cell; Flink's clear() leaves it too.
        Assert.DoesNotContain(10L, h.EventTimeTimers("a"));
    }

    /// <summary>Verify that a custom trigger's Clear reads the cell it keeps for the window being cleaned up.</summary>
    [Fact]
    public void Cleanup_must_let_a_custom_trigger_read_its_cell()
    {
        var clock = new ManualTimeProvider(0);
        var h = OperatorHarness.For(WindowOperators.For<string, long>(TumblingEventTimeWindows.Of(TimeSpan.FromMilliseconds(100)))
            .WithTrigger(new TimeoutTrigger())
            .WithTimeProvider(clock)
            .Aggregate(new SumAggregate()), clock);
        h.ProcessElement("a", 1, 5);
        Assert.Equal([TimeoutTrigger.Timeout], h.ProcessingTimeTimers("a"));

        h.ProcessWatermark(99);

        Assert.Empty(h.ProcessingTimeTimers("a"));
    }

    /// <summary>Verify that on a merge, the Clear of a merged-away window sees the cell that OnMerge did not take over
    /// (a trigger that does not merge its state deletes the old window's timer, as Flink's does).</summary>
    [Fact]
    public void A_merge_must_let_Clear_of_a_merged_away_window_read_the_cell_OnMerge_did_not_take_over()
    {
        var clock = new ManualTimeProvider(0);
        var h = OperatorHarness.For(WindowOperators.For<string, long>(EventTimeSessionWindows.WithGap(TimeSpan.FromMilliseconds(10)))
            .WithTrigger(new TimeoutTrigger())
            .WithTimeProvider(clock)
            .Aggregate(new SumAggregate()), clock);
        h.ProcessElement("a", 1, 0);
        clock.SetUtcNow(5);
        h.ProcessElement("a", 2, 5); // [0, 10) and [5, 15) merge into [0, 15)

        Assert.Equal([5 + TimeoutTrigger.Timeout], h.ProcessingTimeTimers("a"));
    }

    /// <summary>Verify that the cells OnMerge read are the merged window's: the Clear of a merged-away window no longer sees
    /// them (Flink's onMerge moves them with mergePartitionedState), and the merged window fires at the earliest firing.</summary>
    [Fact]
    public void A_merge_must_give_the_cells_OnMerge_read_to_the_merged_window()
    {
        var clock = new ManualTimeProvider(0);
        var h = OperatorHarness.For(WindowOperators.For<string, long>(EventTimeSessionWindows.WithGap(TimeSpan.FromMilliseconds(100)))
            .WithTrigger(ContinuousProcessingTimeTrigger.Of(TimeSpan.FromMilliseconds(10)))
            .WithTimeProvider(clock)
            .Aggregate(new SumAggregate()), clock);
        h.ProcessElement("a", 1, 0);
        clock.SetUtcNow(5);
        h.ProcessElement("a", 2, 50); // [0, 100) and [50, 150) merge into [0, 150)

        // [0, 100)'s timer at 10 stays (as in Flink); the merged window's is at 10 too.
        Assert.Equal([10L, 10L], h.ProcessingTimeTimers("a"));
        h.SetProcessingTime(10);
        Assert.Equal([3L], h.OutputValues());
    }

    /// <summary>A merging trigger that keeps a processing-time timeout in its cell; its OnMerge does not read the merged cells.</summary>
    private sealed class TimeoutTrigger : Trigger
    {
        public const long Timeout = 50;

        public override bool CanMerge => true;

        public override TriggerResult OnElement(long timestamp, TimeWindow window, ITriggerContext context)
        {
            if (!context.TryGetState(out _))
            {
                Schedule(context);
            }

            return TriggerResult.Continue;
        }

        public override TriggerResult OnEventTime(long time, TimeWindow window, ITriggerContext context) => TriggerResult.Continue;

        public override TriggerResult OnProcessingTime(long time, TimeWindow window, ITriggerContext context) =>
            context.TryGetState(out var at) && at == time ? TriggerResult.Fire : TriggerResult.Continue;

        public override void OnMerge(TimeWindow window, IOnMergeContext context) => Schedule(context);

        public override void Clear(TimeWindow window, ITriggerContext context)
        {
            if (context.TryGetState(out var at))
            {
                context.DeleteProcessingTimeTimer(at);
                context.ClearState();
            }
        }

        private static void Schedule(ITriggerContext context)
        {
            var at = context.CurrentProcessingTime + Timeout;
            context.RegisterProcessingTimeTimer(at);
            context.SetState(at);
        }
    }
}

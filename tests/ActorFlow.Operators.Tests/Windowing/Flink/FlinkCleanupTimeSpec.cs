using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Windowing;
using ActorFlow.Operators.Windowing.Triggers;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Windowing.Flink;

// Flink: WindowOperatorTest.testCleanupTimeOverflow, testCleanupTimerWithEmpty(List|Reduce)StateFor(Tumbling|Session)Windows
public sealed class FlinkCleanupTimeSpec
{
    /// <summary>Verify that a window whose max timestamp + allowed lateness overflows is not cleaned up early by a wrapped
    /// cleanup time, and fires when the watermark reaches its max timestamp.</summary>
    [Fact]
    public void A_cleanup_time_that_overflows_must_not_clean_the_window_up_early()
    {
        var h = OperatorHarness.For(FlinkFixtures.For(TumblingEventTimeWindows.Of(TimeSpan.FromMilliseconds(1000)))
            .WithAllowedLateness(TimeSpan.FromMilliseconds(2000)).Reduce(FlinkFixtures.SumReducer));
        var timestamp = long.MaxValue - 1750;
        var windows = new List<TimeWindow>();
        TumblingEventTimeWindows.Of(TimeSpan.FromMilliseconds(1000)).AssignWindows(timestamp, 0, windows);
        var maxTimestamp = Assert.Single(windows).MaxTimestamp;
        Assert.True(unchecked(maxTimestamp + 2000) < long.MaxValue - 1500); // the wrapped cleanup time Flink guards against

        h.Element("key2", 1, timestamp);
        h.ProcessWatermark(long.MaxValue - 1500);
        Assert.Empty(h.Output);
        h.ProcessWatermark(maxTimestamp);
        Assert.Equal([$"(key2,1)@{maxTimestamp}"], h.Sorted());
    }

    /// <summary>Verify that a tumbling window fires at its max timestamp and is cleaned up at max timestamp + lateness, without a second firing.</summary>
    [Fact]
    public void A_tumbling_window_must_fire_once_and_be_cleaned_up_at_max_timestamp_plus_lateness()
    {
        var op = FlinkFixtures.For(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(2))).WithAllowedLateness(TimeSpan.FromMilliseconds(1)).Reduce(FlinkFixtures.SumReducer);
        var h = OperatorHarness.For(op);
        h.Element("key2", 1, 1000);
        h.ProcessWatermark(1599);
        h.ProcessWatermark(1999);
        Assert.Equal(["(key2,1)@1999"], h.Sorted());
        Assert.Equal([2000L], h.EventTimeTimers("key2"));
        h.ProcessWatermark(2000);
        h.ProcessWatermark(5000);
        Assert.Equal(["(key2,1)@1999"], h.Sorted());
        Assert.Empty(h.EventTimeTimers("key2"));
    }

    /// <summary>Verify that a session fires at its max timestamp and leaves no timer once cleaned up (lateness 10 ms).</summary>
    [Fact]
    public void A_session_must_fire_once_and_be_cleaned_up_at_max_timestamp_plus_lateness()
    {
        var h = OperatorHarness.For(FlinkFixtures.For(EventTimeSessionWindows.WithGap(TimeSpan.FromSeconds(3)))
            .WithAllowedLateness(TimeSpan.FromMilliseconds(10)).Reduce(FlinkFixtures.SumReducer, new FlinkSessionWindowFunction()));
        h.Element("key2", 1, 1000);
        h.ProcessWatermark(4998);
        Assert.Equal(["key2-1:1000-4000@3999"], h.Sorted());
        h.ProcessWatermark(14600);
        Assert.Equal(["key2-1:1000-4000@3999"], h.Sorted());
        Assert.Empty(h.EventTimeTimers("key2"));
    }

    /// <summary>
    /// Verify that the cleanup timer is registered again for every record, as Flink's processElement does: a trigger that
    /// deletes its pending timer at the window's max timestamp (the cleanup time without lateness) deleted the cleanup
    /// timer with it, and the window, never cleaned up, kept its state and never saw its Clear.
    /// </summary>
    [Fact]
    public void A_cleanup_timer_deleted_by_the_trigger_must_be_registered_again_by_the_next_record()
    {
        var clears = new List<string>();
        var h = OperatorHarness.For(WindowOperators.For<string, long>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(10)))
            .WithTrigger(new InactivityTrigger()).Process(new ClearLogging(clears)));
        h.ProcessElement("a", 1, 9500); // the trigger's timer at 9999, the cleanup time
        h.ProcessElement("a", 2, 1000); // deletes it, registers 2000

        h.ProcessWatermark(2000);
        Assert.Equal(["a@[0,10000)=1,2"], h.Output.Select(e => e.Value));
        Assert.Equal([9999L], h.EventTimeTimers("a"));
        h.ProcessWatermark(10_000);

        Assert.Equal(["clear [0,10000)"], clears);
        Assert.Empty(h.EventTimeTimers("a"));
    }

    // Fires 1 s after the latest record, at most at the window's max timestamp, deleting the previous pending timer.
    private sealed class InactivityTrigger : Trigger
    {
        public override TriggerResult OnElement(long timestamp, TimeWindow window, ITriggerContext context)
        {
            if (context.TryGetState(out var pending))
            {
                context.DeleteEventTimeTimer(pending);
            }

            var next = Math.Min(timestamp + 1000, window.MaxTimestamp);
            context.SetState(next);
            context.RegisterEventTimeTimer(next);
            return TriggerResult.Continue;
        }

        public override TriggerResult OnEventTime(long time, TimeWindow window, ITriggerContext context) =>
            context.TryGetState(out var pending) && pending == time ? TriggerResult.Fire : TriggerResult.Continue;

        public override TriggerResult OnProcessingTime(long time, TimeWindow window, ITriggerContext context) => TriggerResult.Continue;

        public override void Clear(TimeWindow window, ITriggerContext context)
        {
            if (context.TryGetState(out var pending))
            {
                context.DeleteEventTimeTimer(pending);
                context.ClearState();
            }
        }
    }

    private sealed class ClearLogging(List<string> clears) : ProcessWindowFunction<string, long, string>
    {
        public override void Process(string key, ProcessWindowContext context, IReadOnlyList<long> elements, ICollector<string> output) =>
            output.Collect($"{key}@[{context.Window.Start},{context.Window.End})={string.Join(",", elements)}");

        public override void Clear(ProcessWindowContext context) => clears.Add($"clear [{context.Window.Start},{context.Window.End})");
    }
}

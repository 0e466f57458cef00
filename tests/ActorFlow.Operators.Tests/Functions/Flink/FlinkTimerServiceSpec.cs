using ActorFlow.Operators.Functions;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Functions.Flink;

// Flink: InternalTimerServiceImpl.advanceWatermark (sets the current watermark, then fires every timer with timestamp <= it in
// timestamp order, including timers registered while firing), timer de-duplication per (key, namespace, timestamp), deleteTimer
public sealed class FlinkTimerServiceSpec
{
    /// <summary>Verify that one watermark fires the due timers of all keys in timestamp order, each once however often it was registered.</summary>
    [Fact]
    public void Due_timers_must_fire_once_each_in_timestamp_order()
    {
        var h = OperatorHarness.For(KeyedProcessOperators.Create(new Register()));
        h.ProcessElement("b", 30, 1);
        h.ProcessElement("a", 20, 1);
        h.ProcessElement("a", 10, 1);
        h.ProcessElement("a", 20, 1);
        h.ProcessElement("b", 10, 1);
        h.ProcessElement("c", 40, 1);
        h.ProcessWatermark(30);
        var fired = h.Output.Select(r => (r.Value, r.Timestamp)).ToList();
        Assert.Equal([10L, 10L, 20L, 30L], fired.Select(f => f.Timestamp));
        Assert.Equal(["a@10", "b@10"], fired.Take(2).Select(f => f.Value).Order());
        Assert.Equal(["a@20", "b@30"], fired.Skip(2).Select(f => f.Value));
    }

    /// <summary>Verify that OnTimer sees the new watermark and that a timer it registers at or before that watermark fires in the same advance.</summary>
    [Fact]
    public void A_timer_registered_in_OnTimer_that_is_due_must_fire_in_the_same_watermark()
    {
        var h = OperatorHarness.For(KeyedProcessOperators.Create(new Chain()));
        h.ProcessElement("a", 10, 1);
        h.ProcessWatermark(100);
        Assert.Equal(["10 wm=100", "11 wm=100", "12 wm=100", "13 wm=100"], h.OutputValues());
        Assert.Equal([200L], h.EventTimeTimers("a"));
    }

    /// <summary>Verify that a deleted timer does not fire, while the same time of another key still does.</summary>
    [Fact]
    public void A_deleted_timer_must_not_fire_for_its_key_only()
    {
        var h = OperatorHarness.For(KeyedProcessOperators.Create(new Register()));
        h.ProcessElement("a", 10, 1);
        h.ProcessElement("b", 10, 1);
        h.ProcessElement("a", -10, 1); // deletes a's timer at 10
        h.ProcessWatermark(10);
        Assert.Equal(["b@10"], h.OutputValues());
    }

    /// <summary>Verify that a timer at or before the current watermark fires with the next watermark advance, not at once.</summary>
    [Fact]
    public void A_timer_registered_behind_the_watermark_must_fire_at_the_next_advance()
    {
        var h = OperatorHarness.For(KeyedProcessOperators.Create(new Register()));
        h.ProcessWatermark(50);
        h.ProcessElement("a", 10, 60);
        Assert.Empty(h.Output);
        h.ProcessWatermark(51);
        Assert.Equal([new TimestampedValue<string>("a@10", 10)], h.Output);
    }

    /// <summary>Verify that processing time works the same way: OnTimer sees the timer's time as its timestamp, and a timer it
    /// registers at or before the current processing time fires in the same advance (Flink's onProcessingTime loop).</summary>
    [Fact]
    public void A_processing_time_timer_registered_in_OnTimer_that_is_due_must_fire_in_the_same_advance()
    {
        var clock = new ManualTimeProvider();
        var h = OperatorHarness.For(KeyedProcessOperators.Create(new ProcessingChain(), clock: clock), clock);
        h.ProcessElement("a", 10, Timestamps.NoTimestamp);
        h.SetProcessingTime(100);
        Assert.Equal(["10 ts=10 now=100", "11 ts=11 now=100", "12 ts=12 now=100"], h.OutputValues());
        Assert.Equal([200L], h.ProcessingTimeTimers("a"));
    }

    /// <summary>Registers an event-time timer at the value's time, or deletes the one at minus the value.</summary>
    private sealed class Register : KeyedProcessFunction<string, long, string>
    {
        public override void ProcessElement(long value, Context context, ICollector<string> output)
        {
            if (value >= 0)
            {
                context.TimerService.RegisterEventTimeTimer(value);
            }
            else
            {
                context.TimerService.DeleteEventTimeTimer(-value);
            }
        }

        public override void OnTimer(long timestamp, OnTimerContext context, ICollector<string> output) =>
            output.Collect($"{context.CurrentKey}@{timestamp}");
    }

    /// <summary>Each firing registers the next millisecond up to 13, then one at 200.</summary>
    private sealed class Chain : KeyedProcessFunction<string, long, string>
    {
        public override void ProcessElement(long value, Context context, ICollector<string> output) =>
            context.TimerService.RegisterEventTimeTimer(value);

        public override void OnTimer(long timestamp, OnTimerContext context, ICollector<string> output)
        {
            output.Collect($"{timestamp} wm={context.TimerService.CurrentWatermark}");
            if (timestamp < 13)
            {
                context.TimerService.RegisterEventTimeTimer(timestamp + 1);
            }
            else
            {
                context.TimerService.RegisterEventTimeTimer(200); // after the watermark: stays
            }
        }
    }

    /// <summary>Processing-time version of <see cref="Chain"/>: up to 12, then one at 200.</summary>
    private sealed class ProcessingChain : KeyedProcessFunction<string, long, string>
    {
        public override void ProcessElement(long value, Context context, ICollector<string> output) =>
            context.TimerService.RegisterProcessingTimeTimer(value);

        public override void OnTimer(long timestamp, OnTimerContext context, ICollector<string> output)
        {
            output.Collect($"{timestamp} ts={context.Timestamp} now={context.TimerService.CurrentProcessingTime}");
            context.TimerService.RegisterProcessingTimeTimer(timestamp < 12 ? timestamp + 1 : 200);
        }
    }
}

using ActorFlow.Operators.Functions;
using ActorFlow.Operators.State;
using ActorFlow.TestKit;
using Microsoft.Extensions.Time.Testing;

namespace ActorFlow.Operators.Tests.Functions;

public sealed class KeyedProcessFunctionSpec
{
    private static readonly OutputTag<string> Alerts = new("alerts");

    /// <summary>Verify that the function sees the record, its timestamp, its key and the watermark.</summary>
    [Fact]
    public void A_KeyedProcessFunction_must_see_record_timestamp_key_and_watermark()
    {
        var h = new OperatorHarness<string, long, string>(KeyedProcessOperators.Create(new Echo()));
        h.ProcessWatermark(50);
        h.ProcessElement("k", 7, 100);
        Assert.Equal([new TimestampedValue<string>("k:7@100 wm=50", 100)], h.Output);
    }

    /// <summary>Verify that an event-time timer fires when the watermark reaches it, with the timer's time as timestamp.</summary>
    [Fact]
    public void An_event_time_timer_must_fire_on_the_watermark()
    {
        var h = new OperatorHarness<string, long, string>(KeyedProcessOperators.Create(new CountWithTimeout()));
        h.ProcessElement("a", 1, 1_000);
        h.ProcessElement("a", 1, 2_000);
        h.ProcessWatermark(61_999);
        Assert.Empty(h.Output);
        h.ProcessWatermark(62_000);
        Assert.Equal([new TimestampedValue<string>("a=2", 62_000)], h.Output);
    }

    /// <summary>Verify that a timer deleted before it is due does not fire (Flink docs CountWithTimeout example).</summary>
    [Fact]
    public void A_deleted_timer_must_not_fire()
    {
        var h = new OperatorHarness<string, long, string>(KeyedProcessOperators.Create(new CountWithTimeout()));
        h.ProcessElement("a", 1, 1_000);
        h.ProcessElement("a", 1, 30_000);
        h.ProcessWatermark(61_000);
        Assert.Empty(h.Output);
        h.ProcessWatermark(90_000);
        Assert.Equal(["a=2"], h.OutputValues());
    }

    /// <summary>Verify that a timer registered twice for the same key and time fires once.</summary>
    [Fact]
    public void A_timer_must_be_deduplicated_per_key_and_time()
    {
        var h = new OperatorHarness<string, long, string>(KeyedProcessOperators.Create(new TimerAt()));
        h.ProcessElement("a", 500, 1);
        h.ProcessElement("a", 500, 2);
        h.ProcessElement("b", 500, 3);
        h.ProcessWatermark(1_000);
        Assert.Equal(["a@500", "b@500"], h.OutputValues());
    }

    /// <summary>Verify that processing-time timers fire when the fake clock advances, and the next timer is reported.</summary>
    [Fact]
    public void A_processing_time_timer_must_fire_when_the_clock_advances()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_000));
        var op = KeyedProcessOperators.Create(new ProcessingTimer(), clock: time);
        var h = new OperatorHarness<string, long, string>(op, time);
        h.ProcessElement("a", 0, 0);
        Assert.Equal(1_500, op.NextProcessingTimeTimer);
        time.Advance(TimeSpan.FromMilliseconds(499));
        h.FireProcessingTimers();
        Assert.Empty(h.Output);
        time.Advance(TimeSpan.FromMilliseconds(1));
        h.FireProcessingTimers();
        Assert.Equal(["a:ProcessingTime"], h.OutputValues());
        Assert.Null(op.NextProcessingTimeTimer);
    }

    /// <summary>Verify that side outputs of the function reach the host.</summary>
    [Fact]
    public void A_KeyedProcessFunction_must_emit_side_outputs()
    {
        var h = new OperatorHarness<string, long, string>(KeyedProcessOperators.Create(new Echo()));
        h.ProcessElement("k", -1, 100);
        Assert.Equal([new TimestampedValue<string>("negative", 100)], h.SideOutput(Alerts));
    }

    /// <summary>Verify that timers and state survive a snapshot and restore.</summary>
    [Fact]
    public void A_KeyedProcessOperator_must_restore_timers_and_state()
    {
        var h = new OperatorHarness<string, long, string>(KeyedProcessOperators.Create(new CountWithTimeout()));
        h.ProcessElement("a", 1, 1_000);
        h.ProcessElement("a", 1, 2_000);
        var restored = new OperatorHarness<string, long, string>(KeyedProcessOperators.Create(new CountWithTimeout()));
        restored.Restore(h.Snapshot());
        restored.ProcessWatermark(62_000);
        Assert.Equal(["a=2"], restored.OutputValues());
    }

    /// <summary>Verify that a null key is rejected to the side output.</summary>
    [Fact]
    public void A_KeyedProcessOperator_must_reject_a_null_key()
    {
        var h = new OperatorHarness<string, long, string>(KeyedProcessOperators.Create(new Echo()));
        h.ProcessElement(null!, 1, 1);
        Assert.Single(h.SideOutput(OutputTags.Rejected<long>()));
    }

    private sealed class Echo : KeyedProcessFunction<string, long, string>
    {
        public override void ProcessElement(long value, Context context, ICollector<string> output)
        {
            if (value < 0)
            {
                context.Output(Alerts, "negative");
                return;
            }

            output.Collect($"{context.CurrentKey}:{value}@{context.Timestamp} wm={context.TimerService.CurrentWatermark}");
        }
    }

    /// <summary>Flink docs: count per key, emit when a key is silent for 60 s of event time.</summary>
    private sealed class CountWithTimeout : KeyedProcessFunction<string, long, string>
    {
        private IValueState<(long Count, long LastModified)> _state = null!;

        public override void Open(IKeyedStateStore state) =>
            _state = state.GetState(new ValueStateDescriptor<(long, long)>("count"));

        public override void ProcessElement(long value, Context context, ICollector<string> output)
        {
            var current = _state.Value;
            if (_state.HasValue)
            {
                context.TimerService.DeleteEventTimeTimer(current.LastModified + 60_000);
            }

            var updated = (current.Count + 1, context.Timestamp!.Value);
            _state.Update(updated);
            context.TimerService.RegisterEventTimeTimer(updated.Item2 + 60_000);
        }

        public override void OnTimer(long timestamp, OnTimerContext context, ICollector<string> output)
        {
            var current = _state.Value;
            if (timestamp == current.LastModified + 60_000)
            {
                output.Collect($"{context.CurrentKey}={current.Count}");
                _state.Clear();
            }
        }
    }

    private sealed class TimerAt : KeyedProcessFunction<string, long, string>
    {
        public override void ProcessElement(long value, Context context, ICollector<string> output) =>
            context.TimerService.RegisterEventTimeTimer(value);

        public override void OnTimer(long timestamp, OnTimerContext context, ICollector<string> output) =>
            output.Collect($"{context.CurrentKey}@{timestamp}");
    }

    private sealed class ProcessingTimer : KeyedProcessFunction<string, long, string>
    {
        public override void ProcessElement(long value, Context context, ICollector<string> output) =>
            context.TimerService.RegisterProcessingTimeTimer(context.TimerService.CurrentProcessingTime + 500);

        public override void OnTimer(long timestamp, OnTimerContext context, ICollector<string> output) =>
            output.Collect($"{context.CurrentKey}:{context.TimeDomain}");
    }
}

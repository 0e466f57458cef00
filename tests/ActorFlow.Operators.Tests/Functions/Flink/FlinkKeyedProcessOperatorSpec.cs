using ActorFlow.Operators.Functions;
using ActorFlow.Operators.State;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Functions.Flink;

// Flink: KeyedProcessOperatorTest (testTimestampAndWatermarkQuerying, testTimestampAndProcessingTimeQuerying, testEventTimeTimers,
// testProcessingTimeTimers, testEventTimeTimerWithState, testProcessingTimeTimerWithState, testSnapshotAndRestore);
// KeyedProcessOperator.onProcessingTime erases the output timestamp, onEventTime sets it to the timer's time
public sealed class FlinkKeyedProcessOperatorSpec
{
    /// <summary>Verify that ProcessElement sees the record's timestamp and the current watermark, and its output carries the record's timestamp.</summary>
    [Fact]
    public void ProcessElement_must_see_the_timestamp_and_watermark_as_Flink()
    {
        var h = OperatorHarness.For(KeyedProcessOperators.Create(new Querying(eventTime: true)));
        h.ProcessWatermark(17);
        h.ProcessElement(5, 5, 12);
        h.ProcessWatermark(42);
        h.ProcessElement(6, 6, 13);
        Assert.Equal([new TimestampedValue<string>("5TIME:17 TS:12", 12), new TimestampedValue<string>("6TIME:42 TS:13", 13)], h.Output);
    }

    /// <summary>Verify that ProcessElement sees the processing time, and a record without timestamp has none (output has none either).</summary>
    [Fact]
    public void ProcessElement_must_see_the_processing_time_as_Flink()
    {
        var clock = new ManualTimeProvider();
        var h = OperatorHarness.For(KeyedProcessOperators.Create(new Querying(eventTime: false), clock: clock), clock);
        h.SetProcessingTime(17);
        h.ProcessElement(5, 5, Timestamps.NoTimestamp);
        h.SetProcessingTime(42);
        h.ProcessElement(6, 6, Timestamps.NoTimestamp);
        Assert.Equal(
            [new TimestampedValue<string>("5TIME:17 TS:null", Timestamps.NoTimestamp), new TimestampedValue<string>("6TIME:42 TS:null", Timestamps.NoTimestamp)],
            h.Output);
    }

    /// <summary>Verify that an event-time timer fires when the watermark reaches it and its output carries the timer's time.</summary>
    [Fact]
    public void An_event_time_timer_must_fire_and_stamp_its_output_as_Flink()
    {
        var h = OperatorHarness.For(KeyedProcessOperators.Create(new Triggering(eventTime: true)));
        h.ProcessWatermark(0);
        h.ProcessElement(17, 17, 42);
        h.ProcessWatermark(5);
        Assert.Equal([new TimestampedValue<int>(17, 42), new TimestampedValue<int>(1777, 5)], h.Output);
    }

    /// <summary>Verify that a processing-time timer fires when the clock reaches it and, as in Flink, its output carries no timestamp.</summary>
    [Fact]
    public void A_processing_time_timer_must_fire_and_emit_without_a_timestamp_as_Flink()
    {
        var clock = new ManualTimeProvider();
        var h = OperatorHarness.For(KeyedProcessOperators.Create(new Triggering(eventTime: false), clock: clock), clock);
        h.ProcessElement(17, 17, Timestamps.NoTimestamp);
        h.SetProcessingTime(5);
        Assert.Equal([new TimestampedValue<int>(17, Timestamps.NoTimestamp), new TimestampedValue<int>(1777, Timestamps.NoTimestamp)], h.Output);
    }

    /// <summary>Verify that each key's timer sees that key's state (no leakage between keys), in both time domains.</summary>
    /// <param name="eventTime">Whether to use event-time timers.</param>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_timer_must_see_the_state_of_its_key_as_Flink(bool eventTime)
    {
        var clock = new ManualTimeProvider();
        var h = OperatorHarness.For(KeyedProcessOperators.Create(new TriggeringStateful(eventTime), clock: clock), clock);
        if (eventTime)
        {
            h.ProcessWatermark(1);
            h.ProcessElement(17, 17, 0);
            h.ProcessWatermark(2);
            h.ProcessElement(42, 42, 1);
            h.ProcessWatermark(6);
            h.ProcessWatermark(7);
            Assert.Equal(
                [new TimestampedValue<string>("INPUT:17", 0), new TimestampedValue<string>("INPUT:42", 1), new TimestampedValue<string>("STATE:17", 6), new TimestampedValue<string>("STATE:42", 7)],
                h.Output);
        }
        else
        {
            h.SetProcessingTime(1);
            h.ProcessElement(17, 17, Timestamps.NoTimestamp);
            h.SetProcessingTime(2);
            h.ProcessElement(42, 42, Timestamps.NoTimestamp);
            h.SetProcessingTime(6);
            h.SetProcessingTime(7);
            Assert.Equal(["INPUT:17", "INPUT:42", "STATE:17", "STATE:42"], h.OutputValues());
            Assert.All(h.Output, r => Assert.Equal(Timestamps.NoTimestamp, r.Timestamp));
        }
    }

    /// <summary>Verify that both kinds of timers survive a snapshot and fire on the restored operator.</summary>
    [Fact]
    public void Timers_must_survive_a_snapshot_as_Flink()
    {
        var clock = new ManualTimeProvider();
        var h = OperatorHarness.For(KeyedProcessOperators.Create(new BothTriggering(), clock: clock), clock);
        h.ProcessElement(5, 5, 12);
        var snapshot = h.Snapshot();
        var restoredClock = new ManualTimeProvider();
        h = OperatorHarness.For(KeyedProcessOperators.Create(new BothTriggering(), clock: restoredClock), restoredClock);
        h.Restore(snapshot);
        h.SetProcessingTime(5);
        h.ProcessWatermark(6);
        Assert.Equal([new TimestampedValue<string>("PROC:1777", Timestamps.NoTimestamp), new TimestampedValue<string>("EVENT:1777", 6)], h.Output);
    }

    private sealed class Querying(bool eventTime) : KeyedProcessFunction<int, int, string>
    {
        public override void ProcessElement(int value, Context context, ICollector<string> output) =>
            output.Collect($"{value}TIME:{(eventTime ? context.TimerService.CurrentWatermark : context.TimerService.CurrentProcessingTime)} TS:{context.Timestamp?.ToString() ?? "null"}");
    }

    private sealed class Triggering(bool eventTime) : KeyedProcessFunction<int, int, int>
    {
        public override void ProcessElement(int value, Context context, ICollector<int> output)
        {
            output.Collect(value);
            if (eventTime)
            {
                context.TimerService.RegisterEventTimeTimer(context.TimerService.CurrentWatermark + 5);
            }
            else
            {
                context.TimerService.RegisterProcessingTimeTimer(context.TimerService.CurrentProcessingTime + 5);
            }
        }

        public override void OnTimer(long timestamp, OnTimerContext context, ICollector<int> output)
        {
            Assert.Equal(eventTime ? TimeDomain.EventTime : TimeDomain.ProcessingTime, context.TimeDomain);
            output.Collect(1777);
        }
    }

    private sealed class TriggeringStateful(bool eventTime) : KeyedProcessFunction<int, int, string>
    {
        private IValueState<int> _seen = null!;

        public override void Open(IKeyedStateStore state) => _seen = state.GetState(new ValueStateDescriptor<int>("seen-element"));

        public override void ProcessElement(int value, Context context, ICollector<string> output)
        {
            output.Collect($"INPUT:{value}");
            _seen.Update(value);
            if (eventTime)
            {
                context.TimerService.RegisterEventTimeTimer(context.TimerService.CurrentWatermark + 5);
            }
            else
            {
                context.TimerService.RegisterProcessingTimeTimer(context.TimerService.CurrentProcessingTime + 5);
            }
        }

        public override void OnTimer(long timestamp, OnTimerContext context, ICollector<string> output) => output.Collect($"STATE:{_seen.Value}");
    }

    private sealed class BothTriggering : KeyedProcessFunction<int, int, string>
    {
        public override void ProcessElement(int value, Context context, ICollector<string> output)
        {
            context.TimerService.RegisterProcessingTimeTimer(5);
            context.TimerService.RegisterEventTimeTimer(6);
        }

        public override void OnTimer(long timestamp, OnTimerContext context, ICollector<string> output) =>
            output.Collect(context.TimeDomain == TimeDomain.EventTime ? "EVENT:1777" : "PROC:1777");
    }
}

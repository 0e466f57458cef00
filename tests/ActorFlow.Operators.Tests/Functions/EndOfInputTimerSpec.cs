using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Windowing;
using ActorFlow.Operators.Windowing.Triggers;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Functions;

// Flink: KeyedProcessOperator's OnTimerContextImpl.timestamp() returns the firing timer's timestamp, whatever it is; the
// end-of-input flush idiom registers an event-time timer at Long.MAX_VALUE, which the final watermark fires.
public sealed class EndOfInputTimerSpec
{
    /// <summary>Verify that an event-time timer at long.MaxValue, fired by the end-of-input watermark, sees its time as ctx.Timestamp.</summary>
    [Fact]
    public void A_timer_at_the_end_of_time_must_see_its_time_as_the_timestamp()
    {
        var h = OperatorHarness.For(KeyedProcessOperators.Create(new FlushAtEnd()));
        h.ProcessElement("a", 1, 100);
        h.ProcessWatermark(Watermark.EndOfInput);
        Assert.Equal([new TimestampedValue<string>($"a ts={long.MaxValue}", long.MaxValue)], h.Output);
    }

    /// <summary>Verify that a co-process function's timer at long.MaxValue sees its time as ctx.Timestamp too.</summary>
    [Fact]
    public void A_co_process_timer_at_the_end_of_time_must_see_its_time_as_the_timestamp()
    {
        var h = TwoInputOperatorHarness.For(KeyedProcessOperators.CreateCo(new CoFlushAtEnd()));
        h.ProcessElement1("a", 1, 100);
        h.ProcessWatermark(Watermark.EndOfInput);
        Assert.Equal([$"a ts={long.MaxValue}"], h.OutputValues());
    }

    /// <summary>
    /// Verify that a timer a firing timer registers while the end of the input fires every timer is dropped, as in
    /// Flink's batch mode (its timer service is quiesced then): a function that re-arms <c>timestamp + 60 s</c> fires
    /// once per key, where it used to fire again at once without end (the test caps it at 1,000 firings).
    /// </summary>
    [Fact]
    public void A_timer_registered_by_a_timer_at_the_end_of_input_must_not_fire()
    {
        var h = OperatorHarness.For(KeyedProcessOperators.Create(new Rearming()));
        h.ProcessElement("a", 1, 1_000);
        h.ProcessElement("b", 1, 2_000);
        h.ProcessWatermark(Watermark.EndOfInput);
        Assert.Equal(["a fired at 61000", "b fired at 62000"], h.OutputValues());
    }

    /// <summary>
    /// Verify that a one-day window with a continuous event-time trigger of one minute and one record gives two results
    /// at the end of the input (the trigger's first firing and the window's end), as in Flink's batch mode, not one per
    /// minute of the day.
    /// </summary>
    [Fact]
    public void A_continuous_trigger_must_not_re_arm_at_the_end_of_input()
    {
        var h = OperatorHarness.For(WindowOperators.For<string, long>(TumblingEventTimeWindows.Of(TimeSpan.FromDays(1)))
            .WithTrigger(ContinuousEventTimeTrigger.Of(TimeSpan.FromMinutes(1)))
            .Aggregate(new SumAggregate()));
        h.ProcessElement("a", 5, 1_000);
        h.ProcessWatermark(Watermark.EndOfInput);
        Assert.Equal([5L, 5L], h.OutputValues());
    }

    /// <summary>Verify that a record's timestamp is still null when the record has none.</summary>
    [Fact]
    public void A_record_without_a_timestamp_must_still_have_none()
    {
        var h = OperatorHarness.For(KeyedProcessOperators.Create(new FlushAtEnd()));
        h.ProcessElement("a", 1, Timestamps.NoTimestamp);
        Assert.Equal(["a record ts=null"], h.OutputValues());
    }

    private sealed class FlushAtEnd : KeyedProcessFunction<string, long, string>
    {
        public override void ProcessElement(long value, Context context, ICollector<string> output)
        {
            if (context.Timestamp is null)
            {
                output.Collect($"{context.CurrentKey} record ts=null");
                return;
            }

            context.TimerService.RegisterEventTimeTimer(long.MaxValue);
        }

        public override void OnTimer(long timestamp, OnTimerContext context, ICollector<string> output) =>
            output.Collect($"{context.CurrentKey} ts={context.Timestamp?.ToString() ?? "null"}");
    }

    private sealed class Rearming : KeyedProcessFunction<string, long, string>
    {
        private int _firings;

        public override void ProcessElement(long value, Context context, ICollector<string> output) =>
            context.TimerService.RegisterEventTimeTimer(context.Timestamp!.Value + 60_000);

        public override void OnTimer(long timestamp, OnTimerContext context, ICollector<string> output)
        {
            output.Collect($"{context.CurrentKey} fired at {timestamp}");
            if (++_firings < 1_000)
            {
                context.TimerService.RegisterEventTimeTimer(timestamp + 60_000);
            }
        }
    }

    private sealed class CoFlushAtEnd : KeyedCoProcessFunction<string, long, long, string>
    {
        public override void ProcessElement1(long value, Context context, ICollector<string> output) =>
            context.TimerService.RegisterEventTimeTimer(long.MaxValue);

        public override void ProcessElement2(long value, Context context, ICollector<string> output) =>
            context.TimerService.RegisterEventTimeTimer(long.MaxValue);

        public override void OnTimer(long timestamp, OnTimerContext context, ICollector<string> output) =>
            output.Collect($"{context.CurrentKey} ts={context.Timestamp?.ToString() ?? "null"}");
    }
}

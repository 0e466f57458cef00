using ActorFlow.Operators.Functions;
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

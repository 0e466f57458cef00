using ActorFlow.Operators;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.State;

namespace ActorFlow.TestKit.Tests;

/// <summary>
/// A record or watermark pushed after the test moved the operator's clock past a processing-time timer (the clock
/// moved directly, e.g. a FakeTimeProvider's Advance, not through the harness) finds the timer fired, as the runtime
/// fires due processing-time timers before a batch's records: the harness handed the record over first, so a test saw
/// output the runtime never gives (found by a review porting Flink harness tests).
/// </summary>
public sealed class DueTimersBeforeInputSpec
{
    /// <summary>Verify that the timer due by the moved clock fires before the next record and clears the state it guards.</summary>
    [Fact]
    public void A_timer_the_clock_passed_must_fire_before_the_next_record()
    {
        var clock = new ManualTimeProvider();
        var h = OperatorHarness.For(KeyedProcessOperators.Create(new SmallThenLarge(), clock: clock));
        h.ProcessElement("acct-2", 1, 3_000); // a small amount arms a 60 s timer that forgets it

        clock.Advance(TimeSpan.FromMinutes(2));
        h.ProcessElement("acct-2", 900, 4_000);

        Assert.Equal(["forgot small"], h.Output.Select(o => o.Value));
    }

    /// <summary>Verify that a watermark pushed after the clock passed a timer also finds it fired first.</summary>
    [Fact]
    public void A_timer_the_clock_passed_must_fire_before_the_next_watermark()
    {
        var clock = new ManualTimeProvider();
        var h = OperatorHarness.For(KeyedProcessOperators.Create(new SmallThenLarge(), clock: clock));
        h.ProcessElement("acct-2", 1, 3_000);

        clock.Advance(TimeSpan.FromMinutes(2));
        h.ProcessWatermark(5_000);

        Assert.Equal(["forgot small"], h.Output.Select(o => o.Value));
        Assert.Equal(0, h.ProcessingTimeTimerCount);
    }

    /// <summary>Alerts on a large amount within a minute (processing time) of a small one on the same account.</summary>
    private sealed class SmallThenLarge : KeyedProcessFunction<string, long, string>
    {
        private static readonly ValueStateDescriptor<bool> Small = new("small");

        public override void ProcessElement(long value, Context context, ICollector<string> output)
        {
            var small = context.State.GetState(Small);
            if (value < 10)
            {
                small.Update(true);
                context.TimerService.RegisterProcessingTimeTimer(context.TimerService.CurrentProcessingTime + 60_000);
            }
            else if (value > 500 && small.HasValue)
            {
                output.Collect(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"alert {value}"));
            }
        }

        public override void OnTimer(long timestamp, OnTimerContext context, ICollector<string> output)
        {
            context.State.GetState(Small).Clear();
            output.Collect("forgot small");
        }
    }
}

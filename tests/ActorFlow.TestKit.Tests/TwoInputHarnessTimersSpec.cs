using ActorFlow.Operators;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Joins;

namespace ActorFlow.TestKit.Tests;

public sealed class TwoInputHarnessTimersSpec
{
    /// <summary>Verify that the two-input harness lists a key's timers of a co-process function, and those of an interval join.</summary>
    [Fact]
    public void Timers_of_a_co_process_function_must_be_listed_per_key()
    {
        var clock = new ManualTimeProvider();
        var h = TwoInputOperatorHarness.For(KeyedProcessOperators.CreateCo(new Expire(), clock: clock), clock);
        h.ProcessElement1("a", 1, 1_000);
        h.ProcessElement2("a", "x", 2_000);

        Assert.Equal([1_100L], h.EventTimeTimers("a"));
        Assert.Equal([200L], h.ProcessingTimeTimers("a"));
        Assert.Empty(h.EventTimeTimers("b"));
        h.SetProcessingTime(200);
        Assert.Empty(h.ProcessingTimeTimers("a"));
        h.AssertOutput("a@200");

        var join = TwoInputOperatorHarness.For(JoinOperators.Interval<string, long, long, long>(TimeSpan.Zero, TimeSpan.FromSeconds(1), (a, b) => a + b));
        join.ProcessElement1("a", 1, 1_000);
        Assert.Equal([2_000L], join.EventTimeTimers("a")); // the left record's cleanup: its time plus the upper bound
        Assert.Empty(join.ProcessingTimeTimers("a"));
    }

    private sealed class Expire : KeyedCoProcessFunction<string, long, string, string>
    {
        public override void ProcessElement1(long value, Context context, ICollector<string> output) =>
            context.TimerService.RegisterEventTimeTimer(context.Timestamp!.Value + 100);

        public override void ProcessElement2(string value, Context context, ICollector<string> output) =>
            context.TimerService.RegisterProcessingTimeTimer(context.TimerService.CurrentProcessingTime + 200);

        public override void OnTimer(long timestamp, OnTimerContext context, ICollector<string> output) =>
            output.Collect(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{context.CurrentKey}@{timestamp}"));
    }
}

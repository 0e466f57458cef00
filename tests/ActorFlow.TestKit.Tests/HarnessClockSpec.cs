using ActorFlow.Operators;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.State;

namespace ActorFlow.TestKit.Tests;

/// <summary>
/// The harness's processing time is the operator's: a clock given to the operator serves the harness too, and a
/// harness that would move a clock the operator does not read fails instead of moving timers but not TTL or
/// <c>CurrentProcessingTime</c> (a review found a test's timers silently at the wall clock's time).
/// </summary>
public sealed class HarnessClockSpec
{
    /// <summary>
    /// Verify that a harness given no clock moves the operator's: the function sees the time set, its timer fires at
    /// it, and state TTL counts by it (a value kept 10 s is gone 20 s later).
    /// </summary>
    [Fact]
    public void A_harness_without_a_clock_must_move_the_operators()
    {
        var h = OperatorHarness.For(KeyedProcessOperators.Create(new TimerIn10(), clock: new ManualTimeProvider(0)));

        h.SetProcessingTime(0);
        h.ProcessElement("a", 1, 1);
        h.SetProcessingTime(9);
        Assert.Equal(["seen at 0 (kept: False)"], h.Output.Select(o => o.Value));
        h.SetProcessingTime(10);
        Assert.Equal(["seen at 0 (kept: False)", "fired at 10"], h.Output.Select(o => o.Value));

        h.SetProcessingTime(20_000);
        h.ProcessElement("a", 2, 2);
        Assert.Equal("seen at 20000 (kept: False)", h.Output[^1].Value); // the first record's value expired at 10,000
    }

    /// <summary>Verify that moving processing time fails, naming both clocks, when the operator reads another clock than the harness's.</summary>
    [Fact]
    public void A_harness_whose_clock_the_operator_does_not_read_must_fail_to_move_it()
    {
        var h = OperatorHarness.For(KeyedProcessOperators.Create(new TimerIn10()), new ManualTimeProvider(0));

        h.ProcessElement("a", 1, 1); // event time needs no clock
        var e = Assert.Throws<InvalidOperationException>(() => h.SetProcessingTime(10));
        Assert.Contains("The operator reads processing time from the system clock and the harness moves a ManualTimeProvider", e.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => h.AdvanceProcessingTime(TimeSpan.FromMilliseconds(10)));
    }

    /// <summary>Verify that a clock the harness cannot set fails when asked for another time, and serves when asked for its own.</summary>
    [Fact]
    public void A_clock_the_harness_cannot_set_must_fail_at_another_time()
    {
        var clock = new FixedClock(5_000);
        var h = OperatorHarness.For(KeyedProcessOperators.Create(new TimerIn10(), clock: clock));

        h.SetProcessingTime(5_000);
        var e = Assert.Throws<InvalidOperationException>(() => h.SetProcessingTime(20_000));
        Assert.Contains("The harness's clock is a FixedClock at 5000, which it cannot set to 20000", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Verify that an operator that reads no clock (an interval join) takes the processing time given, whatever the
    /// harness's clock, and that the two-input harness fires the timers due at an unsettable clock's time.
    /// </summary>
    [Fact]
    public void An_operator_reading_no_clock_must_take_the_time_given()
    {
        var join = TwoInputOperatorHarness.For(ActorFlow.Operators.Joins.JoinOperators.Interval<string, long, long, long>(TimeSpan.Zero, TimeSpan.FromSeconds(1), (a, b) => a + b));
        join.SetProcessingTime(1_000);
        join.FireProcessingTimers();

        var coProcess = TwoInputOperatorHarness.For(KeyedProcessOperators.CreateCo(new CoTimerIn10(), clock: new FixedClock(5_000)));
        coProcess.ProcessElement1("a", 1, 1);
        Assert.Empty(coProcess.Output);
        coProcess.FireProcessingTimers(); // the clock stands at 5,000; the timer is due at 5,010
        Assert.Empty(coProcess.Output);
        Assert.Equal([5_010L], coProcess.ProcessingTimeTimers("a"));
    }

    /// <summary>Verify that restoring into a harness that processed input fails, as Flink's initializeState after open.</summary>
    [Fact]
    public void Restoring_into_a_used_harness_must_fail()
    {
        var first = OperatorHarness.For(KeyedProcessOperators.Create(new TimerIn10(), clock: new ManualTimeProvider(0)));
        first.ProcessElement("a", 1, 1);
        var snapshot = first.Snapshot();

        var e = Assert.Throws<InvalidOperationException>(() => first.Restore(snapshot));
        Assert.Contains("Restore into a new operator and harness", e.Message, StringComparison.Ordinal);

        var second = OperatorHarness.For(KeyedProcessOperators.Create(new TimerIn10(), clock: new ManualTimeProvider(0)));
        second.Restore(snapshot);
        second.SetProcessingTime(10);
        Assert.Equal(["fired at 10"], second.Output.Select(o => o.Value));
    }

    /// <summary>Registers a processing-time timer 10 ms after each record; says when it saw the record and when the timer fired.</summary>
    private sealed class TimerIn10 : KeyedProcessFunction<string, int, string>
    {
        private IValueState<int> _kept = null!;

        public override void Open(IKeyedStateStore state) =>
            _kept = state.GetState(new ValueStateDescriptor<int>("kept") { Ttl = new StateTtlConfig(TimeSpan.FromSeconds(10)) });

        public override void ProcessElement(int value, Context context, ICollector<string> output)
        {
            output.Collect($"seen at {context.TimerService.CurrentProcessingTime} (kept: {_kept.HasValue})");
            _kept.Update(value);
            context.TimerService.RegisterProcessingTimeTimer(context.TimerService.CurrentProcessingTime + 10);
        }

        public override void OnTimer(long timestamp, OnTimerContext context, ICollector<string> output) => output.Collect($"fired at {timestamp}");
    }

    /// <summary>Registers a processing-time timer 10 ms after each first-input record.</summary>
    private sealed class CoTimerIn10 : KeyedCoProcessFunction<string, int, int, string>
    {
        public override void ProcessElement1(int value, Context context, ICollector<string> output) =>
            context.TimerService.RegisterProcessingTimeTimer(context.TimerService.CurrentProcessingTime + 10);

        public override void ProcessElement2(int value, Context context, ICollector<string> output)
        {
        }
    }

    /// <summary>A clock the harness cannot move.</summary>
    private sealed class FixedClock(long ms) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(ms);
    }
}

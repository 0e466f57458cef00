using ActorFlow.Operators;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.State;

namespace ActorFlow.TestKit.Tests;

/// <summary>
/// An operator restored into a new harness whose clock is behind the snapshot's processing time keeps one processing
/// time for its timers, its state TTL and the harness's clock (found by a review porting Flink harness tests): state
/// TTL read the new clock (0) while timers ran on the restored time (100 s), so a value written with a 60 s TTL read
/// as expired when a timer set 59 s after the write fired; and the harness's clock stayed behind, so a timer set 10 ms
/// ahead did not fire after the clock moved 10 ms. TTL now counts by the operator's processing time, and a restore
/// moves a <see cref="ManualTimeProvider"/> up to it.
/// </summary>
public sealed class RestoredProcessingTimeSpec
{
    /// <summary>Verify that a value with a 60 s TTL is still there when a timer set 59 s after its write fires, after a restore into a new clock.</summary>
    [Fact]
    public void State_ttl_and_timers_must_share_the_restored_processing_time()
    {
        var before = OperatorHarness.For(KeyedProcessOperators.Create(new Remember(), clock: new ManualTimeProvider()));
        before.SetProcessingTime(100_000);
        var after = OperatorHarness.For(KeyedProcessOperators.Create(new Remember(), clock: new ManualTimeProvider()));
        after.Restore(before.Snapshot());

        after.ProcessElement("k", 7, 1);
        Assert.Equal([159_000L], after.ProcessingTimeTimers("k"));
        after.SetProcessingTime(159_000);

        after.AssertOutput("at 159000: 7");
    }

    /// <summary>Verify that a timer set 10 ms ahead after a restore fires once the harness's clock moved 10 ms.</summary>
    [Fact]
    public void A_restore_must_bring_the_harness_clock_up_to_the_operators_time()
    {
        var before = OperatorHarness.For(KeyedProcessOperators.Create(new TenMsLater(), clock: new ManualTimeProvider()));
        before.SetProcessingTime(100_000);
        var clock = new ManualTimeProvider();
        var after = OperatorHarness.For(KeyedProcessOperators.Create(new TenMsLater(), clock: clock));
        after.Restore(before.Snapshot());
        Assert.Equal(100_000, clock.NowMs);

        after.ProcessElement("k", 1, 1);
        after.AdvanceProcessingTime(TimeSpan.FromMilliseconds(10));

        after.AssertOutput("fired 100010");
    }

    /// <summary>
    /// Verify that a harness whose time was set before the restore (Flink's harness allows it before
    /// <c>initializeState</c>) still restores, and keeps the later of the two times; one that processed a record refuses.
    /// </summary>
    [Fact]
    public void A_time_set_before_the_restore_must_not_refuse_it()
    {
        var before = OperatorHarness.For(KeyedProcessOperators.Create(new TenMsLater(), clock: new ManualTimeProvider()));
        before.ProcessElement("k", 1, 1);
        before.SetProcessingTime(100_000);
        var clock = new ManualTimeProvider();
        var after = OperatorHarness.For(KeyedProcessOperators.Create(new TenMsLater(), clock: clock));
        after.SetProcessingTime(5);

        after.Restore(before.Snapshot());

        Assert.Equal(100_000, clock.NowMs);
        var used = OperatorHarness.For(KeyedProcessOperators.Create(new TenMsLater(), clock: new ManualTimeProvider()));
        used.ProcessElement("k", 1, 1);
        Assert.Contains("processed records or watermarks", Assert.Throws<InvalidOperationException>(() => used.Restore(before.Snapshot())).Message, StringComparison.Ordinal);
    }

    /// <summary>Keeps each record with a 60 s TTL and reads it back from a timer 59 s later.</summary>
    private sealed class Remember : KeyedProcessFunction<string, long, string>
    {
        private static readonly ValueStateDescriptor<long> Value = new("v") { Ttl = new StateTtlConfig(TimeSpan.FromSeconds(60)) };

        public override void ProcessElement(long value, Context context, ICollector<string> output)
        {
            context.State.GetState(Value).Update(value);
            context.TimerService.RegisterProcessingTimeTimer(context.TimerService.CurrentProcessingTime + 59_000);
        }

        public override void OnTimer(long timestamp, OnTimerContext context, ICollector<string> output)
        {
            var value = context.State.GetState(Value);
            output.Collect($"at {context.TimerService.CurrentProcessingTime}: {(value.HasValue ? value.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) : "expired")}");
        }
    }

    /// <summary>Sets a processing-time timer 10 ms after each record and reports its firing.</summary>
    private sealed class TenMsLater : KeyedProcessFunction<string, long, string>
    {
        public override void ProcessElement(long value, Context context, ICollector<string> output) =>
            context.TimerService.RegisterProcessingTimeTimer(context.TimerService.CurrentProcessingTime + 10);

        public override void OnTimer(long timestamp, OnTimerContext context, ICollector<string> output) =>
            output.Collect(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"fired {timestamp}"));
    }
}

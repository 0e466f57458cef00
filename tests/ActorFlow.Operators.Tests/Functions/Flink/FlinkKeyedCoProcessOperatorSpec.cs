using ActorFlow.Operators.Functions;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Functions.Flink;

// Flink: KeyedCoProcessOperatorTest.testSnapshotAndRestore (expects "PROC:1777" without a timestamp and "EVENT:1777" at 6);
// KeyedCoProcessOperator.onProcessingTime erases the output timestamp
public sealed class FlinkKeyedCoProcessOperatorSpec
{
    /// <summary>Verify that a co-process function's timers fire after a restore, the processing-time one without a timestamp.</summary>
    [Fact]
    public void Timers_must_fire_after_a_restore_and_stamp_their_output_as_Flink()
    {
        var clock = new ManualTimeProvider();
        var h = TwoInputOperatorHarness.For(KeyedProcessOperators.CreateCo(new BothTriggering(), clock: clock), clock);
        h.ProcessElement1("5", 5, 12);
        h.ProcessElement2("6", "6", 13);
        var snapshot = h.Snapshot();
        var restoredClock = new ManualTimeProvider();
        h = TwoInputOperatorHarness.For(KeyedProcessOperators.CreateCo(new BothTriggering(), clock: restoredClock), restoredClock);
        h.Restore(snapshot);
        h.SetProcessingTime(5);
        h.ProcessWatermark(6);
        Assert.Equal(
            [
                new TimestampedValue<string>("PROC:1777", Timestamps.NoTimestamp),
                new TimestampedValue<string>("PROC:1777", Timestamps.NoTimestamp),
                new TimestampedValue<string>("EVENT:1777", 6),
                new TimestampedValue<string>("EVENT:1777", 6),
            ],
            h.Output);
    }

    private sealed class BothTriggering : KeyedCoProcessFunction<string, int, string, string>
    {
        public override void ProcessElement1(int value, Context context, ICollector<string> output) => Register(context);

        public override void ProcessElement2(string value, Context context, ICollector<string> output) => Register(context);

        public override void OnTimer(long timestamp, OnTimerContext context, ICollector<string> output) =>
            output.Collect(context.TimeDomain == TimeDomain.EventTime ? "EVENT:1777" : "PROC:1777");

        private static void Register(Context context)
        {
            context.TimerService.RegisterProcessingTimeTimer(5);
            context.TimerService.RegisterEventTimeTimer(6);
        }
    }
}

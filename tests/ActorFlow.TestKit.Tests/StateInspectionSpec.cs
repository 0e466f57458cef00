using ActorFlow.Operators;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Joins;
using ActorFlow.Operators.State;
using ActorFlow.Operators.Windowing;

namespace ActorFlow.TestKit.Tests;

/// <summary>
/// The harnesses count an operator's timers and keyed state entries, as Flink's test harnesses do
/// (<c>numEventTimeTimers()</c>, <c>numProcessingTimeTimers()</c>, <c>numKeyedStateEntries()</c>): the way a test shows
/// that state is cleaned up rather than kept for ever.
/// </summary>
public sealed class StateInspectionSpec
{
    /// <summary>
    /// Verify that a process function's value state and timers are counted per key, restored state is counted before it
    /// is read, and clearing them brings the counts to zero.
    /// </summary>
    [Fact]
    public void A_process_function_state_must_be_counted_until_it_is_cleared()
    {
        var clock = new ManualTimeProvider();
        var h = OperatorHarness.For(KeyedProcessOperators.Create(new CountWithTimeout(), clock: clock), clock);
        h.ProcessElement("a", 1, 1_000);
        h.ProcessElement("a", 1, 2_000);
        h.ProcessElement("b", 1, 1_500);

        Assert.Equal(2, h.KeyedStateEntryCount);
        Assert.Equal(2, h.EventTimeTimerCount); // "a" moved its timer from 61 000 to 62 000
        Assert.Equal(2, h.ProcessingTimeTimerCount); // one heartbeat per key, however often registered
        var snapshot = h.Snapshot();

        var restored = OperatorHarness.For(KeyedProcessOperators.Create(new CountWithTimeout(), clock: clock), clock);
        restored.Restore(snapshot);
        Assert.Equal(2, restored.KeyedStateEntryCount); // waiting serialized until the function reads it
        Assert.Equal(2, restored.EventTimeTimerCount);

        h.ProcessWatermark(61_500);
        h.AssertOutput("b=1");
        Assert.Equal(1, h.KeyedStateEntryCount);
        h.ProcessWatermark(62_000);
        Assert.Equal(0, h.KeyedStateEntryCount);
        Assert.Equal(0, h.EventTimeTimerCount);
        h.SetProcessingTime(10_000);
        Assert.Equal(0, h.ProcessingTimeTimerCount);
    }

    /// <summary>
    /// Verify that a window's contents count until the window is cleaned up: with allowed lateness, after it fires and
    /// until the watermark passes its end plus the lateness (the trigger time and the cleanup time are two timers).
    /// </summary>
    [Fact]
    public void A_window_must_count_its_contents_until_its_cleanup_time()
    {
        var h = OperatorHarness.For(WindowOperators.For<string, long>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)))
            .WithAllowedLateness(TimeSpan.FromSeconds(1))
            .Aggregate(Aggregates.Sum<long>(v => v)));
        h.ProcessElement("a", 1, 100);
        h.ProcessElement("a", 2, 1_100);
        h.ProcessElement("b", 3, 200);

        Assert.Equal(3, h.KeyedStateEntryCount);
        Assert.Equal(6, h.EventTimeTimerCount);
        h.ProcessWatermark(999);
        h.AssertOutput(1L, 3L);
        Assert.Equal(3, h.KeyedStateEntryCount); // fired, kept for late records
        Assert.Equal(4, h.EventTimeTimerCount);
        h.ProcessWatermark(1_999);
        Assert.Equal(1, h.KeyedStateEntryCount);
        h.ProcessWatermark(2_999);
        Assert.Equal(0, h.KeyedStateEntryCount);
        Assert.Equal(0, h.EventTimeTimerCount);
    }

    /// <summary>Verify that session windows count each session and each key's set of sessions, and merged sessions count once.</summary>
    [Fact]
    public void Sessions_must_count_each_session_and_each_key_set_of_them()
    {
        var h = OperatorHarness.For(WindowOperators.For<string, long>(EventTimeSessionWindows.WithGap(TimeSpan.FromMilliseconds(100)))
            .Aggregate(Aggregates.Sum<long>(v => v)));
        h.ProcessElement("a", 1, 0);
        h.ProcessElement("a", 1, 1_000);
        Assert.Equal(3, h.KeyedStateEntryCount); // two sessions and the key's set

        h.ProcessElement("a", 1, 50);
        Assert.Equal(3, h.KeyedStateEntryCount); // [0, 150) took in the record at 50
        h.ProcessElement("a", 1, 120);
        h.ProcessElement("a", 1, 950);
        Assert.Equal(3, h.KeyedStateEntryCount);
        h.ProcessElement("a", 1, 500);
        Assert.Equal(4, h.KeyedStateEntryCount);

        h.ProcessWatermark(long.MaxValue - 1);
        Assert.Equal(0, h.KeyedStateEntryCount);
    }

    /// <summary>Verify that state past its TTL is counted until a snapshot drops it, as Flink's heap backend keeps it until cleanup.</summary>
    [Fact]
    public void Expired_state_must_count_until_a_snapshot_drops_it()
    {
        var clock = new ManualTimeProvider();
        var h = OperatorHarness.For(KeyedProcessOperators.Create(new Remember(), clock: clock), clock);
        h.ProcessElement("a", 1, 0);
        h.ProcessElement("b", 1, 0);
        clock.Advance(TimeSpan.FromSeconds(11));

        Assert.Equal(2, h.KeyedStateEntryCount);
        h.Snapshot();
        Assert.Equal(0, h.KeyedStateEntryCount);
    }

    /// <summary>Verify that an interval join counts each key's buffered side and its cleanup timers, down to zero after the watermark passes.</summary>
    [Fact]
    public void An_interval_join_must_count_its_buffers_and_timers()
    {
        var h = TwoInputOperatorHarness.For(JoinOperators.Interval<string, long, long, long>(TimeSpan.Zero, TimeSpan.FromSeconds(1), (a, b) => a + b));
        h.ProcessElement1("a", 1, 1_000);
        h.ProcessElement2("a", 2, 1_500);
        h.ProcessElement1("b", 3, 1_000);

        Assert.Equal(3, h.KeyedStateEntryCount);
        Assert.Equal(3, h.EventTimeTimerCount);
        Assert.Equal(0, h.ProcessingTimeTimerCount);
        Assert.NotEmpty(h.EventTimeTimers("a"));
        h.ProcessWatermark(10_000);
        Assert.Equal(0, h.KeyedStateEntryCount);
        Assert.Equal(0, h.EventTimeTimerCount);
    }

    /// <summary>Flink docs: count per key, emit when a key is silent for 60 s of event time; a heartbeat in processing time.</summary>
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
            context.TimerService.RegisterProcessingTimeTimer(5_000);
        }

        public override void OnTimer(long timestamp, OnTimerContext context, ICollector<string> output)
        {
            if (context.TimeDomain == TimeDomain.EventTime && timestamp == _state.Value.LastModified + 60_000)
            {
                output.Collect($"{context.CurrentKey}={_state.Value.Count}");
                _state.Clear();
            }
        }
    }

    private sealed class Remember : KeyedProcessFunction<string, long, string>
    {
        private IValueState<long> _state = null!;

        public override void Open(IKeyedStateStore state) =>
            _state = state.GetState(new ValueStateDescriptor<long>("last") { Ttl = new StateTtlConfig(TimeSpan.FromSeconds(10)) });

        public override void ProcessElement(long value, Context context, ICollector<string> output) => _state.Update(value);
    }
}

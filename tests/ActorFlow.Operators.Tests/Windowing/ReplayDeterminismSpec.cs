using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Windowing;
using ActorFlow.Operators.Windowing.Triggers;

namespace ActorFlow.Operators.Tests.Windowing;

/// <summary>
/// Which operators say they replay deterministically (the runtime restarts only those alone, by replaying their
/// inputs since the last snapshot): event-time windows with the event-time trigger that keep accumulators, nothing
/// that reads the wall clock while processing or keeps record objects that user code could modify.
/// </summary>
public sealed class ReplayDeterminismSpec
{
    private static WindowOperatorBuilder<string, long> EventTime() => WindowOperators.For<string, long>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)));

    /// <summary>Verify that event-time aggregating windows, with or without a process-window function, replay deterministically.</summary>
    [Fact]
    public void Event_time_aggregating_windows_must_replay_deterministically()
    {
        Assert.True(EventTime().Aggregate(new SumAggregate()).ReplaysDeterministically);
        Assert.True(EventTime().Aggregate(new SumAggregate(), new LabelWindow<long>()).ReplaysDeterministically);
        Assert.True(EventTime().WithAllowedLateness(TimeSpan.FromSeconds(1)).Aggregate(new SumAggregate()).ReplaysDeterministically);
    }

    /// <summary>
    /// Verify that operators whose state depends on the wall clock (processing-time windows or triggers, process
    /// functions) or that keep input records (reduce, buffered process-window functions, evictors) do not.
    /// </summary>
    [Fact]
    public void Operators_reading_the_clock_or_keeping_records_must_not_replay_deterministically()
    {
        Assert.False(WindowOperators.For<string, long>(TumblingProcessingTimeWindows.Of(TimeSpan.FromSeconds(1))).Aggregate(new SumAggregate()).ReplaysDeterministically);
        Assert.False(EventTime().WithTrigger(ProcessingTimeTrigger.Create()).Aggregate(new SumAggregate()).ReplaysDeterministically);
        Assert.False(EventTime().Reduce((a, b) => a + b).ReplaysDeterministically);
        Assert.False(EventTime().Process(new LabelWindow<long>()).ReplaysDeterministically);
        Assert.False(KeyedProcessOperators.Create(new PassThrough()).ReplaysDeterministically);
    }

    /// <summary>
    /// Verify that operators built while a host's <see cref="DrivenClock"/> is the default read it (so a replay reads
    /// the same times): processing-time aggregating windows then replay deterministically, and so do process functions
    /// that declare it; a process function that does not declare it, or one on another clock, does not.
    /// </summary>
    [Fact]
    public void Operators_on_a_host_driven_clock_must_replay_deterministically_when_nothing_else_forbids_it()
    {
        var clock = new DrivenClock { NowMs = 1_000 };
        using (DrivenClock.Building(clock))
        {
            Assert.True(WindowOperators.For<string, long>(TumblingProcessingTimeWindows.Of(TimeSpan.FromSeconds(1))).Aggregate(new SumAggregate()).ReplaysDeterministically);
            Assert.False(WindowOperators.For<string, long>(TumblingProcessingTimeWindows.Of(TimeSpan.FromSeconds(1))).Reduce((a, b) => a + b).ReplaysDeterministically);
            Assert.True(KeyedProcessOperators.Create(new PassThrough(deterministic: true)).ReplaysDeterministically);
            Assert.False(KeyedProcessOperators.Create(new PassThrough(deterministic: false)).ReplaysDeterministically);
            Assert.False(KeyedProcessOperators.Create(new PassThrough(deterministic: true), clock: TimeProvider.System).ReplaysDeterministically);
            Assert.Equal(1_000, clock.GetUtcNow().ToUnixTimeMilliseconds());
        }

        Assert.Same(TimeProvider.System, DrivenClock.Default);
        Assert.False(KeyedProcessOperators.Create(new PassThrough(deterministic: true)).ReplaysDeterministically);
    }

    private sealed class PassThrough(bool deterministic = false) : KeyedProcessFunction<string, long, long>
    {
        public override bool ReplaysDeterministically => deterministic;

        public override void ProcessElement(long value, Context context, ICollector<long> output) => output.Collect(value);
    }
}

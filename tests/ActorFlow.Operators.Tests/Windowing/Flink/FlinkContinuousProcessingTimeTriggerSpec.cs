using ActorFlow.Operators.Windowing;
using ActorFlow.Operators.Windowing.Triggers;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Windowing.Flink;

// Flink: ContinuousProcessingTimeTriggerTest (testWindowFiring, testMergingWindows): a 5 ms continuous trigger on 10 ms
// processing-time windows; the records' sums by window, each emitted at the window's max timestamp.
public sealed class FlinkContinuousProcessingTimeTriggerSpec
{
    /// <summary>Verify Flink's firings on tumbling processing-time windows: every 5 ms, the last clamped to the window's end.</summary>
    [Fact]
    public void Tumbling_windows_must_fire_every_interval_as_in_Flink()
    {
        var clock = new ManualTimeProvider();
        var h = OperatorHarness.For(
            FlinkFixtures.For(TumblingProcessingTimeWindows.Of(TimeSpan.FromMilliseconds(10))).WithTimeProvider(clock)
                .WithTrigger(ContinuousProcessingTimeTrigger.Of(TimeSpan.FromMilliseconds(5))).Process(new FlinkSessionWindowFunction()),
            clock);
        var expected = new List<string>();

        h.SetProcessingTime(0);
        h.Element("k", 1, 0);
        h.SetProcessingTime(2);
        h.Element("k", 2, 2);
        h.SetProcessingTime(5);
        expected.Add("k-3:0-10@9");
        Assert.Equal(expected, Rendered(h));

        h.SetProcessingTime(7);
        h.Element("k", 3, 7);
        h.SetProcessingTime(9);
        expected.Add("k-6:0-10@9");
        Assert.Equal(expected, Rendered(h));

        h.SetProcessingTime(10);
        h.Element("k", 3, 10);
        h.SetProcessingTime(15);
        expected.Add("k-3:10-20@19");
        Assert.Equal(expected, Rendered(h));

        h.SetProcessingTime(18);
        h.Element("k", 3, 18);
        h.SetProcessingTime(20);
        expected.Add("k-6:10-20@19");
        Assert.Equal(expected, Rendered(h));
    }

    /// <summary>Verify Flink's firings on merging processing-time sessions: the merged window keeps the earliest firing,
    /// fires every interval and once more at its end, then is gone.</summary>
    [Fact]
    public void Merged_sessions_must_fire_every_interval_as_in_Flink()
    {
        var clock = new ManualTimeProvider();
        var h = OperatorHarness.For(
            FlinkFixtures.For(ProcessingTimeSessionWindows.WithGap(TimeSpan.FromMilliseconds(10))).WithTimeProvider(clock)
                .WithTrigger(ContinuousProcessingTimeTrigger.Of(TimeSpan.FromMilliseconds(5))).Process(new FlinkSessionWindowFunction()),
            clock);
        var expected = new List<string>();

        h.SetProcessingTime(0);
        h.Element("k", 1, 0);
        h.SetProcessingTime(2);
        h.Element("k", 2, 2); // [2, 12) merges with [0, 10) into [0, 12)
        h.SetProcessingTime(5);
        expected.Add("k-3:0-12@11");
        Assert.Equal(expected, Rendered(h));

        h.SetProcessingTime(9);
        Assert.Equal(expected, Rendered(h));

        h.SetProcessingTime(10);
        expected.Add("k-3:0-12@11");
        Assert.Equal(expected, Rendered(h));

        h.SetProcessingTime(15);
        expected.Add("k-3:0-12@11");
        Assert.Equal(expected, Rendered(h));

        h.SetProcessingTime(100);
        Assert.Equal(expected, Rendered(h));
    }

    /// <summary>Verify that an event-time window whose end the processing clock passes fires once at its end, not again
    /// and again (the firing rescheduled at the window's end fired forever), and once more for a record that arrives later.</summary>
    [Fact]
    public async Task An_event_time_window_must_fire_once_at_its_end_when_the_clock_passes_it()
    {
        var clock = new ManualTimeProvider();
        var h = OperatorHarness.For(
            FlinkFixtures.For(TumblingEventTimeWindows.Of(TimeSpan.FromMilliseconds(10))).WithTimeProvider(clock)
                .WithTrigger(ContinuousProcessingTimeTrigger.Of(TimeSpan.FromMilliseconds(5))).Process(new FlinkSessionWindowFunction()),
            clock);
        var bounded = TimeSpan.FromSeconds(10); // without the mend the clock's advance never returns

        h.SetProcessingTime(0);
        h.Element("k", 1, 0);
        await Task.Run(() => h.SetProcessingTime(5)).WaitAsync(bounded);
        await Task.Run(() => h.SetProcessingTime(50)).WaitAsync(bounded);
        Assert.Equal(["k-1:0-10@9", "k-1:0-10@9"], Rendered(h));

        h.Element("k", 2, 3);
        await Task.Run(() => h.SetProcessingTime(51)).WaitAsync(bounded);
        await Task.Run(() => h.SetProcessingTime(100)).WaitAsync(bounded);
        Assert.Equal(["k-1:0-10@9", "k-1:0-10@9", "k-3:0-10@9"], Rendered(h));
    }

    /// <summary>Verify that the interval must be a positive whole number of milliseconds.</summary>
    [Fact]
    public void A_bad_interval_must_be_refused()
    {
        Assert.Throws<ArgumentException>(() => ContinuousProcessingTimeTrigger.Of(TimeSpan.Zero));
        Assert.Throws<ArgumentException>(() => ContinuousProcessingTimeTrigger.Of(TimeSpan.FromTicks(15_000)));
    }

    private static List<string> Rendered<TOut>(HarnessOutput<TOut> h) => [.. h.Output.Select(r => $"{r.Value}@{r.Timestamp}")];
}

using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Joins;
using ActorFlow.Operators.Windowing;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Watermarks;

/// <summary>
/// A snapshot taken after the end of a bounded input (a bounded run's final checkpoint) holds the watermark
/// <see cref="Watermark.EndOfInput"/>. An operator restored from it starts event time again for the input a new run
/// reads, instead of judging all of it late; any other watermark is restored as it was.
/// </summary>
public sealed class EndOfInputRestoreSpec
{
    [Fact]
    public void A_window_operator_restored_after_the_end_of_input_must_count_new_records()
    {
        var ended = OperatorHarness.For(Tumbling().Aggregate(Aggregates.Count<long>()));
        ended.ProcessElement("a", 1, 5_000);
        ended.ProcessWatermark(Watermark.EndOfInput);
        Assert.Equal([1L], ended.OutputValues());

        var restored = OperatorHarness.For(Tumbling().Aggregate(Aggregates.Count<long>()));
        restored.Restore(ended.Snapshot());
        Assert.Equal(long.MinValue, restored.Operator.CurrentWatermark);
        restored.ProcessElement("a", 1, 9_000);
        restored.ProcessElement("a", 1, 9_500);
        restored.ProcessWatermark(Watermark.EndOfInput);

        Assert.Equal(0, restored.Operator.LateRecordCount);
        Assert.Equal([new TimestampedValue<long>(2, 9_999)], restored.Output);
    }

    [Fact]
    public void A_window_operator_restored_mid_stream_must_keep_its_watermark()
    {
        var running = OperatorHarness.For(Tumbling().Aggregate(Aggregates.Count<long>()));
        running.ProcessElement("a", 1, 5_000);
        running.ProcessWatermark(7_000);

        var restored = OperatorHarness.For(Tumbling().Aggregate(Aggregates.Count<long>()));
        restored.Restore(running.Snapshot());
        Assert.Equal(7_000, restored.Operator.CurrentWatermark);
        restored.ProcessElement("a", 1, 6_500);
        Assert.Equal(1, restored.Operator.LateRecordCount);
    }

    [Fact]
    public void A_keyed_process_operator_restored_after_the_end_of_input_must_see_event_time_start_again()
    {
        var ended = OperatorHarness.For(KeyedProcessOperators.Create(new WatermarkEcho()));
        ended.ProcessElement("a", 1, 5_000);
        ended.ProcessWatermark(Watermark.EndOfInput);

        var restored = OperatorHarness.For(KeyedProcessOperators.Create(new WatermarkEcho()));
        restored.Restore(ended.Snapshot());
        restored.ProcessElement("a", 2, 9_000);

        Assert.Equal([$"2 wm={long.MinValue}"], restored.OutputValues());
    }

    [Fact]
    public void Joins_restored_after_the_end_of_input_must_pair_new_records()
    {
        var window = new TwoInputOperatorHarness<string, long, string, string>(
            JoinOperators.Window<string, long, string, string>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(2)), (l, r) => $"{l}-{r}"));
        window.ProcessElement1("k", 0, 0);
        window.ProcessWatermark(Watermark.EndOfInput);
        var windowRestored = new TwoInputOperatorHarness<string, long, string, string>(
            JoinOperators.Window<string, long, string, string>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(2)), (l, r) => $"{l}-{r}"));
        windowRestored.Restore(window.Snapshot());
        windowRestored.ProcessElement1("k", 1, 1_000);
        windowRestored.ProcessElement2("k", "x", 1_500);
        windowRestored.ProcessWatermark(Watermark.EndOfInput);
        Assert.Equal(["1-x"], windowRestored.OutputValues());

        var interval = new TwoInputOperatorHarness<string, long, long, string>(
            JoinOperators.Interval<string, long, long, string>(TimeSpan.FromMilliseconds(-2), TimeSpan.FromMilliseconds(1), (l, r) => $"{l}:{r}"));
        interval.ProcessElement1("k", 0, 0);
        interval.ProcessWatermark(Watermark.EndOfInput);
        var intervalRestored = new TwoInputOperatorHarness<string, long, long, string>(
            JoinOperators.Interval<string, long, long, string>(TimeSpan.FromMilliseconds(-2), TimeSpan.FromMilliseconds(1), (l, r) => $"{l}:{r}"));
        intervalRestored.Restore(interval.Snapshot());
        Assert.Equal(long.MinValue, intervalRestored.CurrentWatermark);
        intervalRestored.ProcessElement2("k", 5, 5);
        intervalRestored.ProcessElement1("k", 6, 6);
        Assert.Equal(["6:5"], intervalRestored.OutputValues());
    }

    private static WindowOperatorBuilder<string, long> Tumbling() => WindowOperators.For<string, long>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)));

    private sealed class WatermarkEcho : KeyedProcessFunction<string, long, string>
    {
        public override void ProcessElement(long value, Context context, ICollector<string> output) =>
            output.Collect($"{value} wm={context.TimerService.CurrentWatermark}");
    }
}

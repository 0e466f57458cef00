using ActorFlow.Operators.Functions;
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

    private static WindowOperatorBuilder<string, long> Tumbling() => WindowOperators.For<string, long>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)));

    private sealed class WatermarkEcho : KeyedProcessFunction<string, long, string>
    {
        public override void ProcessElement(long value, Context context, ICollector<string> output) =>
            output.Collect($"{value} wm={context.TimerService.CurrentWatermark}");
    }
}

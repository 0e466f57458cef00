using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Windowing;
using ActorFlow.Operators.Windowing.Evictors;
using ActorFlow.Operators.Windowing.Triggers;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Windowing.Evictors;

// Flink: EvictingWindowOperator.emitWindowContents rewrites the window's list state with what the evictor kept (none:
// the state is gone), and onEventTime / onProcessingTime emit only when the contents are not null.
public sealed class EvictedWindowSpec
{
    // "Every 10 ms, only the records since the last firing": the global window, fired every 10 ms of event time, evicting
    // every evaluated record after the function ran.
    private static WindowOperatorBuilder<string, long> EveryTenOnlyNew() =>
        WindowOperators.For<string, long>(GlobalWindows.Create())
            .WithTrigger(ContinuousEventTimeTrigger.Of(TimeSpan.FromMilliseconds(10)))
            .WithEvictor(TimeEvictor.Of(TimeSpan.Zero, evictAfter: true));

    /// <summary>Verify that a firing after the evictor emptied the window emits nothing: an aggregate emits no count of 0.</summary>
    [Fact]
    public void A_window_the_evictor_emptied_must_not_emit_at_its_next_firing()
    {
        var h = OperatorHarness.For(EveryTenOnlyNew().Aggregate(Aggregates.Count<long>()));
        h.ProcessElement("a", 1, 1);
        h.ProcessWatermark(10);
        h.ProcessWatermark(20);
        Assert.Equal([1L], h.OutputValues());
    }

    /// <summary>Verify that a process-window function is not called for a window the evictor emptied.</summary>
    [Fact]
    public void A_process_function_must_not_be_called_for_a_window_the_evictor_emptied()
    {
        var h = OperatorHarness.For(EveryTenOnlyNew().Process(new DescribeWindow()));
        h.ProcessElement("a", 1, 1);
        h.ProcessWatermark(10);
        h.ProcessWatermark(20);
        h.ProcessWatermark(30);
        Assert.Equal([$"a@[{long.MinValue},{long.MaxValue})=1"], h.OutputValues());
    }

    /// <summary>Verify that the emptied window keeps firing on its trigger's schedule and counts only the records added since.</summary>
    [Fact]
    public void A_window_the_evictor_emptied_must_emit_again_once_it_has_new_records()
    {
        var h = OperatorHarness.For(EveryTenOnlyNew().Aggregate(Aggregates.Count<long>()));
        h.ProcessElement("a", 1, 1);
        h.ProcessWatermark(10);
        h.ProcessWatermark(20);
        h.ProcessElement("a", 2, 25);
        h.ProcessElement("a", 3, 26);
        h.ProcessWatermark(30);
        h.ProcessWatermark(40);
        Assert.Equal([new TimestampedValue<long>(1, long.MaxValue), new TimestampedValue<long>(2, long.MaxValue)], h.Output);
    }
}

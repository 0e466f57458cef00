using ActorFlow.Operators.Windowing;
using ActorFlow.Operators.Windowing.Triggers;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Windowing.Flink;

// Flink: WindowOperatorTest.testLateness, testSideOutputDueToLatenessTumbling, testSideOutputDueToLatenessSliding
public sealed class FlinkLateDataSpec
{
    private static readonly OutputTag<(string Key, int Value)> Late = new("late-output");

    /// <summary>Verify that a record within the allowed lateness fires (and purges) at once, and one past it goes to the late output.</summary>
    [Fact]
    public void A_purging_event_time_trigger_with_lateness_must_fire_and_side_output_as_Flink()
    {
        var h = OperatorHarness.For(FlinkFixtures.For(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(2)))
            .WithTrigger(PurgingTrigger.Of(EventTimeTrigger.Create()))
            .WithAllowedLateness(TimeSpan.FromMilliseconds(500))
            .WithLateDataOutput(Late)
            .Reduce(FlinkFixtures.SumReducer));
        h.Element("key2", 1, 500);
        h.ProcessWatermark(1500);
        h.Element("key2", 1, 1300);
        h.ProcessWatermark(2300);
        h.Element("key2", 1, 1997); // max timestamp + lateness > watermark: fires at once, 1 not 3 (purged)
        h.ProcessWatermark(6000);
        h.Element("key2", 1, 1998); // max timestamp + lateness < watermark: late
        h.ProcessWatermark(7000);

        Assert.Equal(["(key2,1)@1999", "(key2,2)@1999"], h.Sorted());
        Assert.Equal(["(key2,1)@1998"], h.SortedSide(Late));
    }

    /// <summary>Verify that without lateness a record for a window the watermark has reached goes to the late output, and that one
    /// for a later window does not.</summary>
    [Fact]
    public void Tumbling_windows_must_side_output_late_records_as_Flink()
    {
        var h = OperatorHarness.For(FlinkFixtures.For(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(2))).WithLateDataOutput(Late).Reduce(FlinkFixtures.SumReducer));
        h.Element("key2", 1, 1000);
        h.ProcessWatermark(1985);
        h.Element("key2", 1, 1980);
        h.ProcessWatermark(1999);
        h.Element("key2", 1, 1998);
        h.Element("key2", 1, 2001);
        h.ProcessWatermark(2999);
        h.ProcessWatermark(3999);

        Assert.Equal(["(key2,1)@3999", "(key2,2)@1999"], h.Sorted());
        Assert.Equal(["(key2,1)@1998"], h.SortedSide(Late));
    }

    /// <summary>Verify that a sliding record whose earliest window is late still joins its later windows, and that a record all of
    /// whose windows are late goes to the late output.</summary>
    [Fact]
    public void Sliding_windows_must_drop_only_the_late_windows_of_a_record_as_Flink()
    {
        var h = OperatorHarness.For(FlinkFixtures.For(SlidingEventTimeWindows.Of(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1)))
            .WithLateDataOutput(Late).Reduce(FlinkFixtures.SumReducer));
        h.Element("key2", 1, 1000);
        h.ProcessWatermark(1999);
        h.Element("key2", 1, 2000);
        h.ProcessWatermark(3000);
        h.Element("key1", 1, 3001);
        h.Element("key2", 1, 2400);
        h.Element("key2", 1, 2400);
        h.Element("key1", 1, 3001);
        h.Element("key2", 1, 3900);
        h.ProcessWatermark(6000);
        h.Element("key1", 1, 3001);
        h.ProcessWatermark(25000);

        Assert.Equal(
            FlinkFixtures.Sort([
                "(key2,1)@1999", "(key2,2)@2999", "(key2,5)@3999", "(key1,2)@3999", "(key2,4)@4999", "(key1,2)@4999", "(key2,1)@5999", "(key1,2)@5999",
            ]),
            h.Sorted());
        Assert.Equal(["(key1,1)@3001"], h.SortedSide(Late));
    }

    /// <summary>Verify the documented difference for a record in no window (sliding windows with a slide above the size): it goes
    /// to the late output and is counted, where Flink drops it without counting it (it is skipped, but not late).</summary>
    [Fact]
    public void A_record_in_no_window_must_go_to_the_late_output()
    {
        var h = OperatorHarness.For(FlinkFixtures.For(SlidingEventTimeWindows.Of(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)))
            .WithLateDataOutput(Late).Reduce(FlinkFixtures.SumReducer));
        h.Element("key1", 1, 500);
        h.Element("key1", 1, 1500); // in the gap [1000, 2000)
        h.ProcessWatermark(Watermark.EndOfInput);
        Assert.Equal(["(key1,1)@999"], h.Sorted());
        Assert.Equal(["(key1,1)@1500"], h.SortedSide(Late));
        Assert.Equal(1, h.Operator.LateRecordCount);
    }
}

using ActorFlow.Operators.Windowing;
using ActorFlow.Operators.Windowing.Triggers;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Windowing.Flink;

// Flink: WindowOperatorTest.testSideOutputDueToLatenessSessionZeroLateness(PurgingTrigger),
// testDropDueToLatenessSessionWithLatenessPurgingTrigger, testNotSideOutputDueToLatenessSessionWithLateness,
// testNotSideOutputDueToLatenessSessionWithHugeLateness(PurgingTrigger); gap 3 s, reduce + session function
public sealed class FlinkSessionLatenessSpec
{
    private static readonly OutputTag<(string Key, int Value)> Late = new("late-output");

    /// <summary>Verify which late session records are merged (and fire at once) and which go to the late output, for each
    /// allowed lateness and for accumulating and purging triggers, as in Flink.</summary>
    /// <param name="latenessMs">The allowed lateness.</param>
    /// <param name="purging">Whether the event-time trigger purges.</param>
    /// <param name="afterLate">Flink's output for the record at 10000 (after the watermark reached 14600).</param>
    /// <param name="last">Flink's output at watermark 20000.</param>
    /// <param name="side">Flink's late side output.</param>
    [Theory]
    [InlineData(0, false, "", "key2-1:14500-17500@17499", "(key2,1)@10000")]
    [InlineData(0, true, "", "key2-1:14500-17500@17499", "(key2,1)@10000|(key2,1)@10100")]
    [InlineData(10, true, "key2-1:10000-14600@14599", "key2-1:10000-17500@17499", "")]
    [InlineData(10, false, "key2-2:10000-14600@14599", "key2-3:10000-17500@17499", "")]
    [InlineData(10000, true, "key2-1:1000-14600@14599", "key2-1:1000-17500@17499", "")]
    [InlineData(10000, false, "key2-7:1000-14600@14599", "key2-8:1000-17500@17499", "")]
    public void Late_session_records_must_merge_or_go_to_the_late_output_as_in_Flink(long latenessMs, bool purging, string afterLate, string last, string side)
    {
        var h = OperatorHarness.For(FlinkFixtures.For(EventTimeSessionWindows.WithGap(TimeSpan.FromSeconds(3)))
            .WithTrigger(purging ? PurgingTrigger.Of(EventTimeTrigger.Create()) : EventTimeTrigger.Create())
            .WithAllowedLateness(TimeSpan.FromMilliseconds(latenessMs))
            .WithLateDataOutput(Late)
            .Reduce(FlinkFixtures.SumReducer, new FlinkSessionWindowFunction()));
        h.Element("key2", 1, 1000);
        h.ProcessWatermark(1999);
        h.Element("key2", 1, 2000);
        h.ProcessWatermark(4998);
        h.Element("key2", 1, 4500); // its session's max timestamp is after the watermark: not late
        h.Element("key2", 1, 8500); // new session
        h.ProcessWatermark(7400);
        h.Element("key2", 1, 7000); // merges the two sessions
        h.ProcessWatermark(11501);
        h.Element("key2", 1, 11600);
        h.ProcessWatermark(14600);
        Assert.Equal(["key2-1:11600-14600@14599", "key2-5:1000-11500@11499"], h.Sorted());
        h.ClearOutput();

        h.Element("key2", 1, 10000);
        if (purging && latenessMs == 0)
        {
            h.Element("key2", 1, 10100); // also late: the two late records are not merged with each other
        }

        Assert.Equal(afterLate.Length == 0 ? [] : [afterLate], h.Sorted());
        h.Element("key2", 1, 14500);
        h.ProcessWatermark(20000);
        h.ProcessWatermark(100000);
        Assert.Equal(FlinkFixtures.Sort(afterLate.Length == 0 ? [last] : [afterLate, last]), h.Sorted());
        Assert.Equal(side.Length == 0 ? [] : side.Split('|'), h.SortedSide(Late));
    }
}

using ActorFlow.Operators.Windowing;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Windowing.Flink;

// Flink: WindowOperatorTest.testTumblingEventTimeWindows (Reduce), 3 s windows
public sealed class FlinkTumblingEventTimeWindowSpec
{
    private static IKeyedOperator<string, (string Key, int Value), (string Key, int Value)> Reduce() =>
        FlinkFixtures.For(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(3))).Reduce(FlinkFixtures.SumReducer);

    /// <summary>Verify that out-of-order records fire once per tumbling window, across a snapshot and restore, as in Flink.</summary>
    [Fact]
    public void Tumbling_windows_must_emit_what_Flink_emits()
    {
        var h = OperatorHarness.For(Reduce());
        h.Element("key2", 1, 3999);
        h.Element("key2", 1, 3000);
        h.Element("key1", 1, 20);
        h.Element("key1", 1, 0);
        h.Element("key1", 1, 999);
        h.Element("key2", 1, 1998);
        h.Element("key2", 1, 1999);
        h.Element("key2", 1, 1000);
        h.ProcessWatermark(999);
        h.ProcessWatermark(1999);
        Assert.Empty(h.Output);

        var snapshot = h.Snapshot();
        h = OperatorHarness.For(Reduce());
        h.Restore(snapshot);
        h.ProcessWatermark(2999);
        Assert.Equal(["(key1,3)@2999", "(key2,3)@2999"], h.Sorted());
        h.ProcessWatermark(3999);
        h.ProcessWatermark(4999);
        h.ProcessWatermark(5999);
        h.ProcessWatermark(6999);
        h.ProcessWatermark(7999);
        Assert.Equal(["(key1,3)@2999", "(key2,2)@5999", "(key2,3)@2999"], h.Sorted());
    }
}

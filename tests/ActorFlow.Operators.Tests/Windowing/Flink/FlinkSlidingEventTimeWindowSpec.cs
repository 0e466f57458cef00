using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Windowing;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Windowing.Flink;

// Flink: WindowOperatorTest.testSlidingEventTimeWindows (Reduce and Apply), 3 s windows sliding by 1 s
public sealed class FlinkSlidingEventTimeWindowSpec
{
    private static IKeyedOperator<string, (string Key, int Value), (string Key, int Value)> Reduce() =>
        FlinkFixtures.For(SlidingEventTimeWindows.Of(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1))).Reduce(FlinkFixtures.SumReducer);

    private static IKeyedOperator<string, (string Key, int Value), (string Key, int Value)> Apply() =>
        FlinkFixtures.For(SlidingEventTimeWindows.Of(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1))).Process(new SumAll());

    /// <summary>Verify that out-of-order records fire in every sliding window, across a snapshot and restore, as in Flink.</summary>
    /// <param name="apply">Whether to keep all records (Flink's Apply) rather than reduce.</param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Sliding_windows_must_emit_what_Flink_emits(bool apply)
    {
        var h = OperatorHarness.For(apply ? Apply() : Reduce());
        h.Element("key2", 1, 3999);
        h.Element("key2", 1, 3000);
        h.Element("key1", 1, 20);
        h.Element("key1", 1, 0);
        h.Element("key1", 1, 999);
        h.Element("key2", 1, 1998);
        h.Element("key2", 1, 1999);
        h.Element("key2", 1, 1000);

        h.ProcessWatermark(999);
        Assert.Equal(["(key1,3)@999"], h.Sorted());
        h.ProcessWatermark(1999);
        h.ProcessWatermark(2999);
        Assert.Equal(FlinkFixtures.Sort(["(key1,3)@999", "(key1,3)@1999", "(key2,3)@1999", "(key1,3)@2999", "(key2,3)@2999"]), h.Sorted());

        var snapshot = h.Snapshot();
        h = OperatorHarness.For(apply ? Apply() : Reduce());
        h.Restore(snapshot);
        h.ProcessWatermark(3999);
        h.ProcessWatermark(4999);
        h.ProcessWatermark(5999);
        h.ProcessWatermark(6999);
        h.ProcessWatermark(7999);
        Assert.Equal(FlinkFixtures.Sort(["(key2,5)@3999", "(key2,2)@4999", "(key2,2)@5999"]), h.Sorted());
    }

    private sealed class SumAll : ProcessWindowFunction<string, (string Key, int Value), (string Key, int Value)>
    {
        public override void Process(string key, ProcessWindowContext context, IReadOnlyList<(string Key, int Value)> elements, ICollector<(string Key, int Value)> output) =>
            output.Collect((key, elements.Sum(e => e.Value)));
    }
}

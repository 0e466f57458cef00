using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Windowing;
using ActorFlow.Operators.Windowing.Triggers;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Windowing.Flink;

// Flink: WindowOperatorTest.testSessionWindows, testReduceSessionWindows, testSessionWindowsWithCountTrigger (gap 3 s)
public sealed class FlinkSessionWindowSpec
{
    private static WindowOperatorBuilder<string, (string Key, int Value)> Sessions() =>
        FlinkFixtures.For(EventTimeSessionWindows.WithGap(TimeSpan.FromSeconds(3)));

    /// <summary>Verify that sessions merge, survive a snapshot and fire with Flink's windows and sums (all records kept, and reduced).</summary>
    /// <param name="reduce">Whether to reduce incrementally (Flink's testReduceSessionWindows) rather than keep all records.</param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Sessions_must_emit_what_Flink_emits(bool reduce)
    {
        IKeyedOperator<string, (string Key, int Value), string> Build() =>
            reduce ? Sessions().Reduce(FlinkFixtures.SumReducer, new FlinkSessionWindowFunction()) : Sessions().Process(new FlinkSessionWindowFunction());

        var h = OperatorHarness.For(Build());
        h.Element("key2", 1, 0);
        h.Element("key2", 2, 1000);
        h.Element("key2", 3, 2500);
        h.Element("key1", 1, 10);
        h.Element("key1", 2, 1000);

        var snapshot = h.Snapshot();
        h = OperatorHarness.For(Build());
        h.Restore(snapshot);

        h.Element("key1", 3, 2500);
        h.Element("key2", 4, 5501);
        h.Element("key2", 5, 6000);
        h.Element("key2", 5, 6000);
        h.Element("key2", 6, 6050);
        h.ProcessWatermark(12000);
        h.Element("key2", 10, 15000);
        h.Element("key2", 20, 15000);
        h.ProcessWatermark(17999);

        Assert.Equal(
            FlinkFixtures.Sort(["key1-6:10-5500@5499", "key2-6:0-5500@5499", "key2-20:5501-9050@9049", "key2-30:15000-18000@17999"]),
            h.Sorted());
    }

    /// <summary>Verify that a purging count trigger counts across merged sessions and fires when a record bridges two of them.</summary>
    [Fact]
    public void A_count_trigger_must_fire_when_a_merge_reaches_the_count()
    {
        IKeyedOperator<string, (string Key, int Value), string> Build() =>
            Sessions().WithTrigger(PurgingTrigger.Of(CountTrigger.Of(4))).Process(new FlinkSessionWindowFunction());

        var h = OperatorHarness.For(Build());
        h.Element("key2", 1, 0);
        h.Element("key2", 2, 1000);
        h.Element("key2", 3, 2500);
        h.Element("key2", 4, 3500);
        h.Element("key1", 1, 10);
        h.Element("key1", 2, 1000);

        var snapshot = h.Snapshot();
        var before = h.Sorted();
        h = OperatorHarness.For(Build());
        h.Restore(snapshot);

        h.Element("key1", 3, 2500);
        h.Element("key1", 1, 6000);
        h.Element("key1", 2, 6500);
        h.Element("key1", 3, 7000);
        Assert.Equal(["key2-10:0-6500@6499"], before.Concat(h.Sorted()));

        h.Element("key1", 10, 4500); // merges the two key1 sessions: count 3 + 3 + 1
        Assert.Equal(["key2-10:0-6500@6499", "key1-22:10-10000@9999"], before.Concat(h.Sorted()));
    }
}

using ActorFlow.Operators.Windowing;
using ActorFlow.Operators.Windowing.Triggers;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Windowing.Flink;

// Flink: WindowOperatorTest.testCountTrigger (GlobalWindows, PurgingTrigger.of(CountTrigger.of(4))); GlobalWindows.create()
public sealed class FlinkCountTriggerSpec
{
    private static IKeyedOperator<string, (string Key, int Value), (string Key, int Value)> Build() =>
        FlinkFixtures.For(GlobalWindows.Create()).WithTrigger(PurgingTrigger.Of(CountTrigger.Of(4))).Reduce(FlinkFixtures.SumReducer);

    /// <summary>Verify that a purging count trigger fires every fourth record per key, ignoring timestamps, across a snapshot and
    /// restore, with results stamped with the global window's max timestamp.</summary>
    [Fact]
    public void A_purging_count_trigger_must_fire_every_n_records_as_Flink()
    {
        var h = OperatorHarness.For(Build());
        h.Element("key2", 1, 3000);
        h.Element("key2", 1, 3999);
        h.Element("key1", 1, 20);
        h.Element("key1", 1, 0);
        h.Element("key1", 1, 999);
        h.Element("key2", 1, 1998);
        h.Element("key2", 1, 1999);
        var before = h.Sorted();
        var snapshot = h.Snapshot();
        h = OperatorHarness.For(Build());
        h.Restore(snapshot);

        h.Element("key2", 1, 1000);
        Assert.Equal([$"(key2,4)@{long.MaxValue}"], before.Concat(h.Sorted()));
        h.Element("key1", 1, 10999);
        h.Element("key2", 1, 1000);
        h.Element("key2", 1, 1000);
        h.Element("key2", 1, 1000);
        Assert.Equal(FlinkFixtures.Sort([$"(key2,4)@{long.MaxValue}", $"(key1,4)@{long.MaxValue}", $"(key2,4)@{long.MaxValue}"]), FlinkFixtures.Sort(before.Concat(h.Sorted())));
    }

    /// <summary>Verify that global windows with their default trigger never fire, not even at the end of the input, as Flink's
    /// <c>GlobalWindows.create()</c> (its NeverTrigger; Flink fires them at the end only with <c>createWithEndOfStreamTrigger</c>).</summary>
    [Fact]
    public void Global_windows_must_not_fire_by_default_even_at_the_end_of_the_input()
    {
        var h = OperatorHarness.For(FlinkFixtures.For(GlobalWindows.Create()).Reduce(FlinkFixtures.SumReducer));
        h.Element("key1", 1, 0);
        h.ProcessWatermark(Watermark.EndOfInput);
        Assert.Empty(h.Output);
    }
}

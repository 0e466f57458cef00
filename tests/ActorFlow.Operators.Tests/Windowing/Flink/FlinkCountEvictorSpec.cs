using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Windowing;
using ActorFlow.Operators.Windowing.Evictors;
using ActorFlow.Operators.Windowing.Triggers;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Windowing.Flink;

// Flink: EvictingWindowOperatorTest.testCountEvictorEvictAfter (GlobalWindows, CountTrigger.of(2), CountEvictor.of(4, true))
public sealed class FlinkCountEvictorSpec
{
    /// <summary>Verify that a count evictor after evaluation keeps the last four records for the next firing, as in Flink.</summary>
    [Fact]
    public void A_count_evictor_after_evaluation_must_keep_the_last_n_as_Flink()
    {
        var h = OperatorHarness.For(FlinkFixtures.For(GlobalWindows.Create())
            .WithTrigger(CountTrigger.Of(2)).WithEvictor(CountEvictor.Of(4, evictAfter: true)).Process(new SumAll()));
        h.Element("key2", 1, 3000);
        h.Element("key2", 1, 3999);
        h.Element("key1", 1, 20);
        h.Element("key1", 1, 0);
        h.Element("key1", 1, 999);
        h.Element("key2", 1, 1998);
        h.Element("key2", 1, 1999);
        h.Element("key2", 1, 1000);
        var max = long.MaxValue;
        Assert.Equal(FlinkFixtures.Sort([$"(key2,2)@{max}", $"(key2,4)@{max}", $"(key1,2)@{max}"]), h.Sorted());
        h.Element("key1", 1, 10999);
        h.Element("key2", 1, 1000);
        Assert.Equal(FlinkFixtures.Sort([$"(key2,2)@{max}", $"(key2,4)@{max}", $"(key1,2)@{max}", $"(key1,4)@{max}", $"(key2,6)@{max}"]), h.Sorted());
        h.Element("key2", 1, 1000);
        h.Element("key2", 1, 1000);
        Assert.Equal(
            FlinkFixtures.Sort([$"(key2,2)@{max}", $"(key2,4)@{max}", $"(key1,2)@{max}", $"(key1,4)@{max}", $"(key2,6)@{max}", $"(key2,6)@{max}"]),
            h.Sorted());
    }

    private sealed class SumAll : ProcessWindowFunction<string, (string Key, int Value), (string Key, int Value)>
    {
        public override void Process(
            string key, ProcessWindowContext context, IReadOnlyList<(string Key, int Value)> elements, ICollector<(string Key, int Value)> output) =>
            output.Collect((key, elements.Sum(e => e.Value)));
    }
}

using ActorFlow.Operators.Windowing;
using ActorFlow.Operators.Windowing.Evictors;
using ActorFlow.Operators.Windowing.Triggers;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Windowing.Flink;

// Flink: EvictingWindowOperatorTest.testTimeEvictorEvictBefore, testTimeEvictorEvictAfter, testTimeEvictorNoTimestamp; TimeEvictor.evict
// (evicts records with timestamp <= newest - size; does nothing when the records carry no timestamp)
public sealed class FlinkTimeEvictorSpec
{
    /// <summary>Verify Flink's time-evictor test: 4 s tumbling windows, a count trigger of 2 and a 2 s time evictor before evaluation.</summary>
    [Fact]
    public void A_time_evictor_must_evict_before_evaluation_as_Flink()
    {
        var h = OperatorHarness.For(FlinkFixtures.For(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(4)))
            .WithTrigger(CountTrigger.Of(2)).WithEvictor(TimeEvictor.Of(TimeSpan.FromSeconds(2))).Reduce(FlinkFixtures.SumReducer));
        h.Element("key2", 1, 1000);
        h.Element("key2", 1, 3999);
        h.Element("key1", 1, 20);
        h.Element("key1", 1, 0);
        h.Element("key1", 1, 999);
        h.Element("key1", 1, 5999);
        h.Element("key2", 1, 3500);
        h.Element("key2", 1, 2001);
        h.Element("key2", 1, 1001);
        Assert.Equal(["(key1,2)@3999", "(key2,1)@3999", "(key2,3)@3999"], h.Sorted());
        h.Element("key1", 1, 6500);
        h.Element("key2", 1, 1002);
        Assert.Equal(["(key1,2)@3999", "(key1,2)@7999", "(key2,1)@3999", "(key2,3)@3999", "(key2,3)@3999"], h.Sorted());
    }

    /// <summary>Verify Flink's evict-after test: global windows, a count trigger of 2 and a 2 s time evictor after evaluation.</summary>
    [Fact]
    public void A_time_evictor_must_evict_after_evaluation_as_Flink()
    {
        var h = OperatorHarness.For(FlinkFixtures.For(GlobalWindows.Create())
            .WithTrigger(CountTrigger.Of(2)).WithEvictor(TimeEvictor.Of(TimeSpan.FromSeconds(2), evictAfter: true)).Reduce(FlinkFixtures.SumReducer));
        h.Element("key2", 1, 1000);
        h.Element("key2", 1, 4000);
        h.Element("key1", 1, 20);
        h.Element("key1", 1, 0);
        h.Element("key1", 1, 999);
        h.Element("key2", 1, 3500);
        h.Element("key2", 1, 2001);
        h.Element("key2", 1, 1001);
        var max = long.MaxValue;
        Assert.Equal(FlinkFixtures.Sort([$"(key2,2)@{max}", $"(key1,2)@{max}", $"(key2,3)@{max}"]), h.Sorted());
        h.Element("key1", 1, 10999);
        h.Element("key2", 1, 1002);
        Assert.Equal(FlinkFixtures.Sort([$"(key2,2)@{max}", $"(key1,2)@{max}", $"(key2,3)@{max}", $"(key1,4)@{max}", $"(key2,5)@{max}"]), h.Sorted());
    }

    /// <summary>Verify that a record exactly <c>size</c> older than the newest is evicted (Flink evicts timestamp &lt;= newest − size).</summary>
    [Fact]
    public void A_record_exactly_the_span_older_than_the_newest_must_be_evicted()
    {
        var h = OperatorHarness.For(WindowOperators.For<string, long>(GlobalWindows.Create())
            .WithTrigger(CountTrigger.Of(3)).WithEvictor(TimeEvictor.Of(TimeSpan.FromSeconds(1))).Reduce((a, b) => a + b));
        h.ProcessElement("a", 1, 1_000);
        h.ProcessElement("a", 10, 2_000);
        h.ProcessElement("a", 100, 3_000);
        Assert.Equal([100L], h.OutputValues());
    }

    /// <summary>Verify the Flink idiom <c>TimeEvictor.of(0, true)</c>: every record is evicted after it was evaluated.</summary>
    [Fact]
    public void A_zero_span_evictor_after_evaluation_must_evict_every_evaluated_record()
    {
        var h = OperatorHarness.For(WindowOperators.For<string, long>(GlobalWindows.Create())
            .WithTrigger(CountTrigger.Of(2)).WithEvictor(TimeEvictor.Of(TimeSpan.Zero, evictAfter: true)).Reduce((a, b) => a + b));
        h.ProcessElement("a", 1, 1_000);
        h.ProcessElement("a", 2, 1_000);
        h.ProcessElement("a", 3, 1_000);
        h.ProcessElement("a", 4, 1_000);
        Assert.Equal([3L, 7L], h.OutputValues());
    }

    /// <summary>Verify that records without timestamps (count windows) are never evicted by a time evictor (Flink's testTimeEvictorNoTimestamp).</summary>
    [Fact]
    public void Records_without_timestamps_must_not_be_evicted()
    {
        var h = OperatorHarness.For(FlinkFixtures.For(GlobalWindows.Create())
            .WithTrigger(CountTrigger.Of(2)).WithEvictor(TimeEvictor.Of(TimeSpan.FromSeconds(2), evictAfter: true)).Reduce(FlinkFixtures.SumReducer));
        h.Element("key2", 1, Timestamps.NoTimestamp);
        h.Element("key2", 1, Timestamps.NoTimestamp);
        h.Element("key1", 1, Timestamps.NoTimestamp);
        h.Element("key1", 1, Timestamps.NoTimestamp);
        h.Element("key1", 1, Timestamps.NoTimestamp);
        h.Element("key2", 1, Timestamps.NoTimestamp);
        h.Element("key2", 1, Timestamps.NoTimestamp);
        h.Element("key2", 1, Timestamps.NoTimestamp);
        h.Element("key1", 1, Timestamps.NoTimestamp);
        h.Element("key2", 1, Timestamps.NoTimestamp);
        var max = long.MaxValue;
        Assert.Equal(FlinkFixtures.Sort([$"(key1,2)@{max}", $"(key1,4)@{max}", $"(key2,2)@{max}", $"(key2,4)@{max}", $"(key2,6)@{max}"]), h.Sorted());
    }
}

using ActorFlow.Operators.Windowing;
using ActorFlow.Operators.Windowing.Evictors;
using ActorFlow.Operators.Windowing.Triggers;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Windowing.Evictors;

public sealed class EvictorsSpec
{
    /// <summary>Verify that a count evictor keeps the last n records before evaluation.</summary>
    [Fact]
    public void A_CountEvictor_must_keep_the_last_n_records()
    {
        var h = new OperatorHarness<string, long, string>(
            WindowOperators.For<string, long>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(10))).WithEvictor(CountEvictor.Of(2)).Process(new DescribeWindow()));
        h.ProcessElement("a", 1, 1);
        h.ProcessElement("a", 2, 2);
        h.ProcessElement("a", 3, 3);
        h.ProcessWatermark(9_999);
        Assert.Equal(["a@[0,10000)=2,3"], h.OutputValues());
    }

    /// <summary>Verify that a time evictor drops records older than the newest minus its span (sliding count window idiom).</summary>
    [Fact]
    public void A_TimeEvictor_must_drop_old_records()
    {
        var h = new OperatorHarness<string, long, long>(
            WindowOperators.For<string, long>(GlobalWindows.Create()).WithTrigger(CountTrigger.Of(3)).WithEvictor(TimeEvictor.Of(TimeSpan.FromSeconds(1))).Aggregate(new SumAggregate()));
        h.ProcessElement("a", 1, 0);
        h.ProcessElement("a", 10, 1_500);
        h.ProcessElement("a", 100, 2_000);
        Assert.Equal([110L], h.OutputValues());
    }

    /// <summary>Verify that evicting after evaluation affects only later firings.</summary>
    [Fact]
    public void A_CountEvictor_after_evaluation_must_affect_the_next_firing()
    {
        var h = new OperatorHarness<string, long, long>(
            WindowOperators.For<string, long>(GlobalWindows.Create()).WithTrigger(CountTrigger.Of(2)).WithEvictor(CountEvictor.Of(1, evictAfter: true)).Reduce((a, b) => a + b));
        h.ProcessElement("a", 1, 0);
        h.ProcessElement("a", 2, 0);
        h.ProcessElement("a", 3, 0);
        h.ProcessElement("a", 4, 0);
        Assert.Equal([3L, 9L], h.OutputValues());
    }
}

using ActorFlow.Operators.Joins;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Joins;

/// <summary>
/// Records near either end of event time: a bound past it is held there instead of wrapping around, so such records
/// still join their pairs and stay buffered until the watermark passes their bound.
/// </summary>
public sealed class IntervalJoinTimeEdgeSpec
{
    /// <summary>Verify that records a few milliseconds from the end of time join within the bounds and stay buffered.</summary>
    [Fact]
    public void Records_near_the_end_of_time_must_join_and_stay_buffered()
    {
        var join = Join();
        var end = long.MaxValue;
        join.ProcessElement1("k", "l1", end - 5);
        join.ProcessElement2("k", "r1", end - 3);
        join.ProcessWatermark(end - 2);
        join.ProcessElement2("k", "r2", end - 1);
        join.ProcessElement1("k", "l2", end - 1);

        Assert.Equal(["l1-r1", "l1-r2", "l2-r1", "l2-r2"], join.Output.Select(r => r.Value).Order(StringComparer.Ordinal));
        Assert.Equal(end - 1, join.Output.Single(r => r.Value == "l2-r2").Timestamp);
    }

    /// <summary>Verify that records a few milliseconds from the start of time join within the bounds.</summary>
    [Fact]
    public void Records_near_the_start_of_time_must_join()
    {
        var join = Join();
        var start = long.MinValue;
        join.ProcessElement1("k", "l1", start + 5);
        join.ProcessElement2("k", "r1", start + 3);
        join.ProcessElement2("k", "r2", start + 20);
        join.ProcessElement1("k", "l2", start + 1);

        Assert.Equal(["l1-r1", "l2-r1"], join.Output.Select(r => r.Value).Order(StringComparer.Ordinal));
    }

    private static TwoInputOperatorHarness<string, string, string, string> Join() =>
        TwoInputOperatorHarness.For(JoinOperators.Interval<string, string, string, string>(
            TimeSpan.FromMilliseconds(-10), TimeSpan.FromMilliseconds(10), (l, r) => $"{l}-{r}"));
}

using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Windowing;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Functions;

public sealed class AggregatesSpec
{
    private static readonly (string Name, long Amount)[] Payments = [("a", 5), ("b", -2), ("c", 9), ("d", 4)];

    private static List<TOut> OneWindow<TAcc, TOut>(IAggregateFunction<(string Name, long Amount), TAcc, TOut> aggregate)
    {
        var h = OperatorHarness.For(WindowOperators.For<string, (string Name, long Amount)>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1))).Aggregate(aggregate));
        foreach (var payment in Payments)
        {
            h.ProcessElement("k", payment, 100);
        }

        h.ProcessWatermark(Watermark.EndOfInput);
        return h.OutputValues();
    }

    /// <summary>Verify that Aggregates.Sum adds the selected value of every record of a window.</summary>
    [Fact]
    public void Aggregates_Sum_must_add_the_selected_values() => Assert.Equal([16L], OneWindow(Aggregates.Sum<(string Name, long Amount)>(p => p.Amount)));

    /// <summary>Verify that Aggregates.Count counts the records of a window.</summary>
    [Fact]
    public void Aggregates_Count_must_count_the_records() => Assert.Equal([4L], OneWindow(Aggregates.Count<(string Name, long Amount)>()));

    /// <summary>Verify that Aggregates.Min keeps the smallest selected value, also when it is negative.</summary>
    [Fact]
    public void Aggregates_Min_must_keep_the_smallest_value() => Assert.Equal([-2L], OneWindow(Aggregates.Min<(string Name, long Amount)>(p => p.Amount)));

    /// <summary>Verify that Aggregates.Max keeps the largest selected value.</summary>
    [Fact]
    public void Aggregates_Max_must_keep_the_largest_value() => Assert.Equal([9L], OneWindow(Aggregates.Max<(string Name, long Amount)>(p => p.Amount)));

    /// <summary>Verify that Aggregates.Average divides the sum by the count as a double.</summary>
    [Fact]
    public void Aggregates_Average_must_return_the_mean() => Assert.Equal([4.0], OneWindow(Aggregates.Average<(string Name, long Amount)>(p => p.Amount)));

    /// <summary>Verify that the built-in aggregates merge their accumulators when session windows merge.</summary>
    [Fact]
    public void Aggregates_must_merge_when_sessions_merge()
    {
        var h = OperatorHarness.For(WindowOperators.For<string, long>(EventTimeSessionWindows.WithGap(TimeSpan.FromSeconds(1))).Aggregate(Aggregates.Min<long>(v => v)));
        h.ProcessElement("k", 7, 0);
        h.ProcessElement("k", 3, 2_000);
        h.ProcessElement("k", 5, 1_000);
        h.ProcessWatermark(Watermark.EndOfInput);
        Assert.Equal([new TimestampedValue<long>(3, 2_999)], h.Output);
    }
}

using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Joins;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Joins;

/// <summary>
/// An interval join with a <see cref="ProcessJoinFunction{TIn1, TIn2, TOut}"/> (Flink's): a pair may give no result, several,
/// or a side output; the function sees both timestamps, and everything it emits carries the larger one.
/// </summary>
public sealed class ProcessJoinFunctionSpec
{
    private static readonly OutputTag<string> Far = new("far");

    /// <summary>Verify filtering, several results per pair, side outputs and the timestamps the function sees.</summary>
    [Fact]
    public void A_pair_must_give_any_number_of_results_and_side_outputs()
    {
        var h = TwoInputOperatorHarness.For(JoinOperators.IntervalProcess<string, string, int, string>(TimeSpan.FromMilliseconds(-5), TimeSpan.FromMilliseconds(5), new Fanning()));
        h.ProcessElement1("k", "L", 10);

        h.ProcessElement2("k", 0, 7);  // filtered out
        h.ProcessElement2("k", 2, 12); // two results
        h.ProcessElement2("k", 1, 15); // one result, and a side output (5 ms apart)

        Assert.Equal(
            [new TimestampedValue<string>("L+2#0 (10,12)", 12), new TimestampedValue<string>("L+2#1 (10,12)", 12), new TimestampedValue<string>("L+1#0 (10,15)", 15)],
            h.Output);
        Assert.Equal([new TimestampedValue<string>("L..1", 15)], h.SideOutput(Far));
    }

    private sealed class Fanning : ProcessJoinFunction<string, int, string>
    {
        public override void ProcessElement(string left, int right, Context context, ICollector<string> output)
        {
            for (var i = 0; i < right; i++)
            {
                output.Collect($"{left}+{right}#{i} ({context.LeftTimestamp},{context.RightTimestamp})");
            }

            if (context.RightTimestamp - context.LeftTimestamp == 5)
            {
                context.Output(Far, $"{left}..{right}");
            }
        }
    }
}

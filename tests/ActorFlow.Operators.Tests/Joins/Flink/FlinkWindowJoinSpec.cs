using ActorFlow.Operators.Joins;
using ActorFlow.Operators.Windowing;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Joins.Flink;

// Flink: CoGroupJoinITCase.testJoin, testSelfJoin (3 ms tumbling windows, watermark = last timestamp − 1); JoinedStreams
// (a window's pairs are emitted when it fires, first input outer, second input inner, stamped with the window's max timestamp)
public sealed class FlinkWindowJoinSpec
{
    private static readonly (string Key, string Value, int Ts)[] First =
        [("a", "x", 0), ("a", "y", 1), ("a", "z", 2), ("b", "u", 3), ("b", "w", 5), ("a", "i", 6), ("a", "j", 7), ("a", "k", 8)];

    private static readonly (string Key, string Value, int Ts)[] Second =
        [("a", "u", 0), ("a", "w", 1), ("b", "i", 3), ("b", "k", 5), ("a", "x", 6), ("a", "z", 8)];

    /// <summary>Verify that two inputs joined in 3 ms tumbling windows give Flink's pairs, each stamped with its window's max timestamp.</summary>
    [Fact]
    public void A_window_join_must_pair_as_Flink()
    {
        var h = Run(First, Second);
        Assert.Equal(
            Sorted([
                "(a,x,0):(a,u,0)", "(a,x,0):(a,w,1)", "(a,y,1):(a,u,0)", "(a,y,1):(a,w,1)", "(a,z,2):(a,u,0)", "(a,z,2):(a,w,1)",
                "(b,u,3):(b,i,3)", "(b,u,3):(b,k,5)", "(b,w,5):(b,i,3)", "(b,w,5):(b,k,5)",
                "(a,i,6):(a,x,6)", "(a,i,6):(a,z,8)", "(a,j,7):(a,x,6)", "(a,j,7):(a,z,8)", "(a,k,8):(a,x,6)", "(a,k,8):(a,z,8)",
            ]),
            Sorted(h.OutputValues()));
        Assert.All(h.Output, r => Assert.Equal((int.Parse(r.Value.AsSpan(r.Value.Length - 2, 1), System.Globalization.CultureInfo.InvariantCulture) / 3 * 3) + 2, r.Timestamp));
    }

    /// <summary>Verify that within a window the pairs come first-input-major in arrival order (Flink's JoinCoGroupFunction loops).</summary>
    [Fact]
    public void A_window_join_must_emit_first_input_major()
    {
        var h = Run(First.Take(3).ToArray(), Second.Take(2).ToArray());
        Assert.Equal(["(a,x,0):(a,u,0)", "(a,x,0):(a,w,1)", "(a,y,1):(a,u,0)", "(a,y,1):(a,w,1)", "(a,z,2):(a,u,0)", "(a,z,2):(a,w,1)"], h.OutputValues());
    }

    /// <summary>Verify Flink's self-join: every pair of a key's records in a window, the record with itself included.</summary>
    [Fact]
    public void A_self_join_must_pair_as_Flink()
    {
        var h = Run(First, First);
        var expected = new List<string>();
        foreach (var l in First)
        {
            foreach (var r in First)
            {
                if (l.Key == r.Key && l.Ts / 3 == r.Ts / 3)
                {
                    expected.Add($"({l.Key},{l.Value},{l.Ts}):({r.Key},{r.Value},{r.Ts})");
                }
            }
        }

        Assert.Equal(22, expected.Count); // Flink's list
        Assert.Equal(Sorted(expected), Sorted(h.OutputValues()));
    }

    /// <summary>Joins Flink's Tuple3 records: the key goes to the operator, the rest (a registered pair) is the record.</summary>
    private static TwoInputOperatorHarness<string, (string Key, string Value), (string Key, string Value), string> Run(
        (string Key, string Value, int Ts)[] first, (string Key, string Value, int Ts)[] second)
    {
        var h = TwoInputOperatorHarness.For(JoinOperators.Window<string, (string Key, string Value), (string Key, string Value), string>(
            TumblingEventTimeWindows.Of(TimeSpan.FromMilliseconds(3)), (l, r) => $"({l.Key},{l.Value}):({r.Key},{r.Value})"));
        foreach (var e in first)
        {
            h.ProcessElement1(e.Key, (e.Key, $"{e.Value},{e.Ts}"), e.Ts);
        }

        foreach (var e in second)
        {
            h.ProcessElement2(e.Key, (e.Key, $"{e.Value},{e.Ts}"), e.Ts);
        }

        h.ProcessWatermark(Watermark.EndOfInput);
        Assert.Empty(h.SideOutput(OutputTags.LateData<(string Key, string Value)>()));
        return h;
    }

    private static List<string> Sorted(IEnumerable<string> values) => [.. values.Order(StringComparer.Ordinal)];
}

using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Internal;
using ActorFlow.Operators.State;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Functions;

/// <summary>
/// A restored broadcast state that a new version of the job reads with another value type fails naming the state, and
/// stays as restored; a map of longs read as a map of ints had read each value's halves as wrong entries.
/// </summary>
public sealed class IncompatibleBroadcastStateSpec
{
    private static readonly MapStateDescriptor<string, long> Limits = new("limits");
    private static readonly MapStateDescriptor<string, int> IntLimits = new("limits");

    /// <summary>Verify the int reading fails naming 'limits', and the earlier version still reads the limit from the next snapshot.</summary>
    [Fact]
    public void A_broadcast_state_whose_value_type_changed_must_fail_and_keep_its_entries()
    {
        var v1 = TwoInputOperatorHarness.For(KeyedProcessOperators.CreateBroadcast(new LongLimits()));
        v1.ProcessElement2("", "a=10", 0);

        var v2 = TwoInputOperatorHarness.For(KeyedProcessOperators.CreateBroadcast(new ReadsInts()));
        v2.Restore(v1.Snapshot());
        var e = Assert.Throws<IncompatibleStateException>(() => v2.ProcessElement1("a", 12, 1));
        Assert.Contains("Broadcast state 'limits'", e.Message, StringComparison.Ordinal);

        var back = TwoInputOperatorHarness.For(KeyedProcessOperators.CreateBroadcast(new LongLimits()));
        back.Restore(v2.Snapshot());
        back.ProcessElement1("a", 12, 2);
        Assert.Equal(["a 12 > 10"], back.OutputValues());
    }

    /// <summary>Keeps "key=limit" broadcast records as longs and reports records over the limit.</summary>
    private sealed class LongLimits : KeyedBroadcastProcessFunction<string, long, string, string>
    {
        public override void ProcessElement(long value, ReadOnlyContext context, ICollector<string> output)
        {
            if (context.GetBroadcastState(Limits).TryGetValue(context.CurrentKey, out var limit) && value > limit)
            {
                output.Collect($"{context.CurrentKey} {value} > {limit}");
            }
        }

        public override void ProcessBroadcastElement(string value, Context context, ICollector<string> output)
        {
            var parts = value.Split('=');
            context.GetBroadcastState(Limits)[parts[0]] = long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    /// <summary>The same state read as a map of ints.</summary>
    private sealed class ReadsInts : KeyedBroadcastProcessFunction<string, long, string, string>
    {
        public override void ProcessElement(long value, ReadOnlyContext context, ICollector<string> output) =>
            output.Collect($"{context.GetBroadcastState(IntLimits).Count}");

        public override void ProcessBroadcastElement(string value, Context context, ICollector<string> output)
        {
        }
    }
}

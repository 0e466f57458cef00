using ActorFlow.Operators.Functions;
using ActorFlow.Operators.State;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Functions;

/// <summary>
/// Broadcast states declared with the operator (Flink's <c>broadcast(descriptors)</c>) are the only ones: getting any
/// other one fails naming it on both sides, as Flink's "The requested state does not exist", instead of handing out a
/// new, empty map; a declared state works as an undeclared one and survives a snapshot.
/// </summary>
public sealed class DeclaredBroadcastStateSpec
{
    private static readonly MapStateDescriptor<string, long> Limits = new("limits");
    private static readonly MapStateDescriptor<string, long> Typo = new("limts");
    private static readonly MapStateDescriptor<string, string> OtherTypes = new("limits");

    /// <summary>Verify that a declared state is read and written as usual and restored from a snapshot.</summary>
    [Fact]
    public void A_declared_state_must_work_and_restore()
    {
        var h = TwoInputOperatorHarness.For(KeyedProcessOperators.CreateBroadcast(new OverLimit(Limits, Limits), broadcastStates: [Limits]));
        h.ProcessElement2("", "a=10", 0);
        h.ProcessElement1("a", 12, 1);
        h.ProcessElement1("a", 9, 2);
        Assert.Equal(["a 12 > 10"], h.OutputValues());

        var snapshot = h.Snapshot();
        var restored = TwoInputOperatorHarness.For(KeyedProcessOperators.CreateBroadcast(new OverLimit(Limits, Limits), broadcastStates: [Limits]));
        restored.Restore(snapshot);
        restored.ProcessElement1("a", 11, 3);
        Assert.Equal(["a 11 > 10"], restored.OutputValues());
    }

    /// <summary>Verify that the keyed side cannot get a state that was not declared, and the error names it and the declared ones.</summary>
    [Fact]
    public void The_keyed_side_must_not_get_an_undeclared_state()
    {
        var h = TwoInputOperatorHarness.For(KeyedProcessOperators.CreateBroadcast(new OverLimit(Limits, Typo), broadcastStates: [Limits]));
        h.ProcessElement2("", "a=10", 0);

        var error = Assert.Throws<ArgumentException>(() => h.ProcessElement1("a", 12, 1));
        Assert.Contains("'limts' does not exist (declared: 'limits')", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that the broadcast side cannot create a state that was not declared.</summary>
    [Fact]
    public void The_broadcast_side_must_not_create_an_undeclared_state()
    {
        var h = TwoInputOperatorHarness.For(KeyedProcessOperators.CreateBroadcast(new OverLimit(Typo, Limits), broadcastStates: [Limits]));

        var error = Assert.Throws<ArgumentException>(() => h.ProcessElement2("", "a=10", 0));
        Assert.Contains("'limts' does not exist", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that a declared name got with other key and value types fails naming both.</summary>
    [Fact]
    public void A_declared_state_must_not_be_got_with_other_types()
    {
        var h = TwoInputOperatorHarness.For(KeyedProcessOperators.CreateBroadcast(new TypesReader(), broadcastStates: [Limits]));

        var error = Assert.Throws<ArgumentException>(() => h.ProcessElement2("", "x", 0));
        Assert.Contains("declared as a map of String to Int64, not of String to String", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that only map states with distinct names can be declared.</summary>
    [Fact]
    public void Declarations_must_be_distinct_map_states()
    {
        var notMap = Assert.Throws<ArgumentException>(() => KeyedProcessOperators.CreateBroadcast(new TypesReader(), broadcastStates: [new ValueStateDescriptor<long>("v")]));
        Assert.Contains("broadcast state is map state", notMap.Message, StringComparison.Ordinal);

        var twice = Assert.Throws<ArgumentException>(() => KeyedProcessOperators.CreateBroadcast(new TypesReader(), broadcastStates: [Limits, OtherTypes]));
        Assert.Contains("'limits' is declared twice", twice.Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that without declarations any name is a state (what <c>Broadcast()</c> without descriptors gives).</summary>
    [Fact]
    public void Without_declarations_any_name_must_be_a_state()
    {
        var h = TwoInputOperatorHarness.For(KeyedProcessOperators.CreateBroadcast(new OverLimit(Typo, Typo)));
        h.ProcessElement2("", "a=10", 0);
        h.ProcessElement1("a", 12, 1);
        Assert.Equal(["a 12 > 10"], h.OutputValues());
    }

    /// <summary>Keeps "key=limit" broadcast records in <c>write</c> and reports records over the limit read from <c>read</c>.</summary>
    private sealed class OverLimit(MapStateDescriptor<string, long> write, MapStateDescriptor<string, long> read) : KeyedBroadcastProcessFunction<string, long, string, string>
    {
        public override void ProcessElement(long value, ReadOnlyContext context, ICollector<string> output)
        {
            if (context.GetBroadcastState(read).TryGetValue(context.CurrentKey, out var limit) && value > limit)
            {
                output.Collect($"{context.CurrentKey} {value} > {limit}");
            }
        }

        public override void ProcessBroadcastElement(string value, Context context, ICollector<string> output)
        {
            var parts = value.Split('=');
            context.GetBroadcastState(write)[parts[0]] = long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Gets the declared name with other types.</summary>
    private sealed class TypesReader : KeyedBroadcastProcessFunction<string, long, string, string>
    {
        public override void ProcessElement(long value, ReadOnlyContext context, ICollector<string> output)
        {
        }

        public override void ProcessBroadcastElement(string value, Context context, ICollector<string> output) =>
            context.GetBroadcastState(OtherTypes)[value] = value;
    }
}

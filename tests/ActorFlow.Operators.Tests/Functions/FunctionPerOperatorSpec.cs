using ActorFlow.Operators.Functions;

namespace ActorFlow.Operators.Tests.Functions;

/// <summary>
/// A function object keeps its operator's state objects in its fields (Open): two operators sharing one would mix
/// their keys' state silently, so the second operator built over the same instance is refused.
/// </summary>
public sealed class FunctionPerOperatorSpec
{
    /// <summary>Verify that a keyed process function, a co-process and a broadcast function each serve one operator only.</summary>
    [Fact]
    public void A_function_object_must_serve_one_operator_only()
    {
        var function = new Counter();
        _ = KeyedProcessOperators.Create(function);
        var e = Assert.Throws<InvalidOperationException>(() => KeyedProcessOperators.Create(function));
        Assert.Contains("already used by another operator", e.Message, StringComparison.Ordinal);

        var co = new CoCounter();
        _ = KeyedProcessOperators.CreateCo(co);
        Assert.Throws<InvalidOperationException>(() => KeyedProcessOperators.CreateCo(co));

        var broadcast = new BroadcastCounter();
        _ = KeyedProcessOperators.CreateBroadcast(broadcast);
        Assert.Throws<InvalidOperationException>(() => KeyedProcessOperators.CreateBroadcast(broadcast));

        _ = KeyedProcessOperators.Create(new Counter()); // a new instance per operator is fine
    }

    private sealed class Counter : KeyedProcessFunction<string, long, long>
    {
        public override void ProcessElement(long value, Context context, ICollector<long> output) => output.Collect(value);
    }

    private sealed class CoCounter : KeyedCoProcessFunction<string, long, long, long>
    {
        public override void ProcessElement1(long value, Context context, ICollector<long> output) => output.Collect(value);

        public override void ProcessElement2(long value, Context context, ICollector<long> output) => output.Collect(-value);
    }

    private sealed class BroadcastCounter : KeyedBroadcastProcessFunction<string, long, long, long>
    {
        public override void ProcessElement(long value, ReadOnlyContext context, ICollector<long> output) => output.Collect(value);

        public override void ProcessBroadcastElement(long value, Context context, ICollector<long> output)
        {
        }
    }
}

using ActorFlow.Operators;

namespace ActorFlow.TestKit;

/// <summary>Creates <see cref="OperatorHarness{TKey,TIn,TOut}"/> instances with the type arguments inferred from the operator.</summary>
public static class OperatorHarness
{
    /// <summary>Creates a harness for a one-input operator: <c>OperatorHarness.For(op, clock)</c>.</summary>
    /// <typeparam name="TKey">The key type (inferred).</typeparam>
    /// <typeparam name="TIn">The input type (inferred).</typeparam>
    /// <typeparam name="TOut">The output type (inferred).</typeparam>
    /// <param name="op">The operator under test.</param>
    /// <param name="clock">The processing-time clock shared with the operator (default: <see cref="TimeProvider.System"/>).</param>
    /// <returns>The harness.</returns>
    public static OperatorHarness<TKey, TIn, TOut> For<TKey, TIn, TOut>(IKeyedOperator<TKey, TIn, TOut> op, TimeProvider? clock = null) =>
        new(op, clock);
}

/// <summary>Creates <see cref="TwoInputOperatorHarness{TKey,TIn1,TIn2,TOut}"/> instances with the type arguments inferred from the operator.</summary>
public static class TwoInputOperatorHarness
{
    /// <summary>Creates a harness for a two-input operator (a join): <c>TwoInputOperatorHarness.For(op, clock)</c>.</summary>
    /// <typeparam name="TKey">The key type (inferred).</typeparam>
    /// <typeparam name="TIn1">The first input's type (inferred).</typeparam>
    /// <typeparam name="TIn2">The second input's type (inferred).</typeparam>
    /// <typeparam name="TOut">The output type (inferred).</typeparam>
    /// <param name="op">The operator under test.</param>
    /// <param name="clock">The processing-time clock shared with the operator (default: <see cref="TimeProvider.System"/>).</param>
    /// <returns>The harness.</returns>
    public static TwoInputOperatorHarness<TKey, TIn1, TIn2, TOut> For<TKey, TIn1, TIn2, TOut>(ITwoInputKeyedOperator<TKey, TIn1, TIn2, TOut> op, TimeProvider? clock = null) =>
        new(op, clock);
}

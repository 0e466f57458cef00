namespace ActorFlow.Operators.Windowing;

/// <summary>Entry point for window operators: <c>WindowOperators.For&lt;TKey, TIn&gt;(assigner)…Aggregate(fn)</c>.</summary>
public static class WindowOperators
{
    /// <summary>Starts a window spec.</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="TIn">The input type.</typeparam>
    /// <param name="assigner">The window assigner.</param>
    /// <returns>The builder.</returns>
    public static WindowOperatorBuilder<TKey, TIn> For<TKey, TIn>(WindowAssigner assigner)
        where TKey : notnull => new(assigner);
}

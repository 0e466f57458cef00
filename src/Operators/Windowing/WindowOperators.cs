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

    /// <summary>INTERNAL API. Refuses a trigger that cannot merge for an assigner that merges windows (sessions), as Flink does.</summary>
    /// <exception cref="ArgumentException">The assigner merges and the trigger cannot.</exception>
    internal static void CheckMerging(WindowAssigner assigner, Triggers.Trigger trigger)
    {
        if (assigner.IsMerging && !trigger.CanMerge)
        {
            throw new ArgumentException(
                $"The trigger {trigger.GetType().Name} cannot merge, so it cannot be used with the merging assigner {assigner.GetType().Name}.",
                nameof(trigger));
        }
    }
}

namespace ActorFlow.Operators.State;

/// <summary>An accumulator per key (and window) fed through an aggregate function.</summary>
/// <typeparam name="TIn">The type added.</typeparam>
/// <typeparam name="TOut">The result type.</typeparam>
public interface IAggregatingState<in TIn, out TOut>
{
    /// <summary>Gets a value indicating whether anything was added for the current key.</summary>
    bool HasValue { get; }

    /// <summary>Gets the aggregate's result (the result of an empty accumulator when nothing was added).</summary>
    /// <returns>The result.</returns>
    TOut Get();

    /// <summary>Adds a value; null clears the state, as Flink's <c>add(null)</c>.</summary>
    /// <param name="value">The value.</param>
    void Add(TIn value);

    /// <summary>Removes the accumulator of the current key.</summary>
    void Clear();
}

namespace ActorFlow.Operators.State;

/// <summary>A value per key (and window) that folds added values with a reduce function.</summary>
/// <typeparam name="T">The value type.</typeparam>
public interface IReducingState<T>
{
    /// <summary>Gets a value indicating whether any value was added for the current key.</summary>
    bool HasValue { get; }

    /// <summary>Gets the reduced value, or <c>default</c> when none.</summary>
    /// <returns>The value.</returns>
    T? Get();

    /// <summary>Folds a value in; null clears the state, as Flink's <c>add(null)</c>.</summary>
    /// <param name="value">The value.</param>
    void Add(T value);

    /// <summary>Removes the value of the current key.</summary>
    void Clear();
}

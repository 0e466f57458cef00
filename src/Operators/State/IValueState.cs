namespace ActorFlow.Operators.State;

/// <summary>One value per key (and window, for window-scoped state).</summary>
/// <typeparam name="T">The value type.</typeparam>
public interface IValueState<T>
{
    /// <summary>Gets a value indicating whether a (non-expired) value is set for the current key.</summary>
    bool HasValue { get; }

    /// <summary>Gets the value for the current key, or <c>default</c> when none is set.</summary>
    T? Value { get; }

    /// <summary>Sets the value for the current key; null clears it, as Flink's <c>update(null)</c>.</summary>
    /// <param name="value">The value.</param>
    void Update(T value);

    /// <summary>Removes the value for the current key.</summary>
    void Clear();
}

namespace ActorFlow.Operators.State;

/// <summary>A list of values per key (and window).</summary>
/// <typeparam name="T">The element type.</typeparam>
public interface IListState<T>
{
    /// <summary>Gets the elements for the current key (empty when none). Do not keep the list after the call.</summary>
    /// <returns>The elements, in insertion order.</returns>
    IReadOnlyList<T> Get();

    /// <summary>Appends one element.</summary>
    /// <param name="value">The element.</param>
    void Add(T value);

    /// <summary>Appends elements.</summary>
    /// <param name="values">The elements.</param>
    void AddAll(IEnumerable<T> values);

    /// <summary>Replaces all elements.</summary>
    /// <param name="values">The elements.</param>
    void Update(IEnumerable<T> values);

    /// <summary>Removes all elements for the current key.</summary>
    void Clear();
}

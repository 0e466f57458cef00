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
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null (as Flink's, a list state holds no null).</exception>
    void Add(T value);

    /// <summary>Appends elements (none: the state is left as it was).</summary>
    /// <param name="values">The elements.</param>
    /// <exception cref="ArgumentNullException">An element is null.</exception>
    void AddAll(IEnumerable<T> values);

    /// <summary>Replaces all elements; none clears the state, as Flink's <c>update</c> of an empty list.</summary>
    /// <param name="values">The elements.</param>
    /// <exception cref="ArgumentNullException">An element is null.</exception>
    void Update(IEnumerable<T> values);

    /// <summary>Removes all elements for the current key.</summary>
    void Clear();
}

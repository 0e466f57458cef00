namespace ActorFlow.Operators.State;

/// <summary>A map per key (and window). Iteration order is unspecified.</summary>
/// <typeparam name="TMapKey">The map's key type.</typeparam>
/// <typeparam name="TValue">The map's value type.</typeparam>
public interface IMapState<TMapKey, TValue>
    where TMapKey : notnull
{
    /// <summary>Gets a value indicating whether the map of the current key is empty.</summary>
    bool IsEmpty { get; }

    /// <summary>Looks up one entry.</summary>
    /// <param name="key">The map key.</param>
    /// <param name="value">The value, when present.</param>
    /// <returns><c>true</c> when present.</returns>
    bool TryGetValue(TMapKey key, out TValue value);

    /// <summary>Tells whether an entry exists.</summary>
    /// <param name="key">The map key.</param>
    /// <returns><c>true</c> when present.</returns>
    bool Contains(TMapKey key);

    /// <summary>Adds or replaces an entry.</summary>
    /// <param name="key">The map key.</param>
    /// <param name="value">The value.</param>
    void Put(TMapKey key, TValue value);

    /// <summary>Removes an entry.</summary>
    /// <param name="key">The map key.</param>
    /// <returns><c>true</c> when it existed.</returns>
    bool Remove(TMapKey key);

    /// <summary>Gets the entries of the current key (a copy).</summary>
    /// <returns>The entries.</returns>
    IReadOnlyList<KeyValuePair<TMapKey, TValue>> Entries();

    /// <summary>Removes the whole map of the current key.</summary>
    void Clear();
}

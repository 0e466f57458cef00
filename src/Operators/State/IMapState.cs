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

    /// <summary>Gets the keys of the current key's map (a copy), as Flink's <c>keys()</c>.</summary>
    /// <returns>The keys.</returns>
    IReadOnlyList<TMapKey> Keys() => [.. Entries().Select(e => e.Key)];

    /// <summary>Gets the values of the current key's map (a copy), as Flink's <c>values()</c>.</summary>
    /// <returns>The values.</returns>
    IReadOnlyList<TValue> Values() => [.. Entries().Select(e => e.Value)];

    /// <summary>Adds or replaces every entry of <paramref name="entries"/>, as Flink's <c>putAll</c>.</summary>
    /// <param name="entries">The entries.</param>
    void PutAll(IEnumerable<KeyValuePair<TMapKey, TValue>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var (key, value) in entries)
        {
            Put(key, value);
        }
    }
}

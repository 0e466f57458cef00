using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ActorFlow.Operators.Internal;

/// <summary>
/// INTERNAL API. The window operator's table of (key, window) entries, split by window into <see cref="ShardCount"/>
/// dictionaries. One dictionary of many windows (a bounded input's whole time range, held until its end in batch mode)
/// grows by doubling an entry array that passes the large-object heap threshold at ~1,400 windows; every doubling after
/// that leaves a large array behind, and large-object allocation is what starts the runtime's background full
/// collections (a 10M-record batch run left ~110 MB of them, and each starts a full mark of the heap). Split by window,
/// a table keeps its arrays on the small-object heap up to ~20,000 windows of several time windows. The shard is a
/// multiplicative hash of the window's start, cheap next to the key's hash the shard's dictionary computes anyway; the
/// windows of one time window share a shard, so a table of one window's many keys is one dictionary, as before.
/// </summary>
/// <remarks>
/// A shard enumerates its entries in insertion order while nothing was removed from it, as a dictionary does:
/// <see cref="EntriesInOrder"/> reads them back in the order the caller inserted them across shards.
/// </remarks>
internal sealed class WindowTable<TKey, TState>
{
    public const int ShardCount = 16;
    private const int ShardBits = 4;

    private readonly Dictionary<StateKey<TKey>, WindowEntry<TState>>?[] _shards = new Dictionary<StateKey<TKey>, WindowEntry<TState>>?[ShardCount];

    /// <summary>Gets the number of entries.</summary>
    public int Count
    {
        get
        {
            var count = 0;
            foreach (var shard in _shards)
            {
                count += shard?.Count ?? 0;
            }

            return count;
        }
    }

    /// <summary>The entry of <paramref name="key"/>, added with default contents when absent.</summary>
    public ref WindowEntry<TState> GetOrAdd(in StateKey<TKey> key) =>
        ref CollectionsMarshal.GetValueRefOrAddDefault(Shard(key), key, out _);

    /// <summary>The entry of <paramref name="key"/>, or a null reference (<see cref="Unsafe.IsNullRef{T}(ref readonly T)"/>) when absent.</summary>
    public ref WindowEntry<TState> Find(in StateKey<TKey> key)
    {
        var shard = _shards[ShardOf(key)];
        if (shard is null)
        {
            return ref Unsafe.NullRef<WindowEntry<TState>>();
        }

        return ref CollectionsMarshal.GetValueRefOrNullRef(shard, key);
    }

    public bool Remove(in StateKey<TKey> key) => _shards[ShardOf(key)]?.Remove(key) ?? false;

    public bool Remove(in StateKey<TKey> key, out WindowEntry<TState> entry)
    {
        if (_shards[ShardOf(key)] is { } shard)
        {
            return shard.Remove(key, out entry);
        }

        entry = default;
        return false;
    }

    public void Set(in StateKey<TKey> key, WindowEntry<TState> entry) => Shard(key)[key] = entry;

    /// <summary>Adds an entry; a key already present throws (a restored table holds each key once).</summary>
    public void Add(in StateKey<TKey> key, WindowEntry<TState> entry) => Shard(key).Add(key, entry);

    public void Clear()
    {
        foreach (var shard in _shards)
        {
            shard?.Clear();
        }
    }

    /// <summary>Every entry, shard by shard (the snapshot's order).</summary>
    public IEnumerable<KeyValuePair<StateKey<TKey>, WindowEntry<TState>>> Entries()
    {
        foreach (var shard in _shards)
        {
            if (shard is null)
            {
                continue;
            }

            foreach (var pair in shard)
            {
                yield return pair;
            }
        }
    }

    /// <summary>
    /// The entries of <paramref name="keys"/>, in that order, when the table holds exactly those keys and each shard
    /// enumerates its own in that order (as it does when they were inserted in that order): one pass over the shards'
    /// storage instead of a hashed lookup per key, each entry checked against its key. Null otherwise (other keys, or an
    /// order a removal and a later insertion changed).
    /// </summary>
    public SegmentedList<WindowEntry<TState>>? EntriesInOrder(SegmentedList<StateKey<TKey>> keys)
    {
        if (Count != keys.Count)
        {
            return null;
        }

        var cursors = new Dictionary<StateKey<TKey>, WindowEntry<TState>>.Enumerator[ShardCount];
        for (var s = 0; s < ShardCount; s++)
        {
            if (_shards[s] is { } shard)
            {
                cursors[s] = shard.GetEnumerator();
            }
        }

        var entries = SegmentedList<WindowEntry<TState>>.OfLength(keys.Count);
        for (var i = 0; i < keys.Count; i++)
        {
            var key = keys[i];
            var shard = ShardOf(key);
            ref var cursor = ref cursors[shard];
            if (_shards[shard] is null || !cursor.MoveNext() || !StateKeyComparer<TKey>.Instance.Equals(cursor.Current.Key, key))
            {
                return null;
            }

            entries[i] = cursor.Current.Value;
        }

        return entries;
    }

    private Dictionary<StateKey<TKey>, WindowEntry<TState>> Shard(in StateKey<TKey> key) =>
        _shards[ShardOf(key)] ??= new Dictionary<StateKey<TKey>, WindowEntry<TState>>(StateKeyComparer<TKey>.Instance);

    private static int ShardOf(in StateKey<TKey> key) =>
        (int)(((ulong)key.Namespace.Start * 0x9E3779B97F4A7C15UL) >> (64 - ShardBits));
}

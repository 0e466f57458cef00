using ActorFlow.Operators.Serialization;
using ActorFlow.Operators.State;

namespace ActorFlow.Operators.Internal;

/// <summary>An element of a list state, or a value of a map state, with TTL: its own last-write (or read) time.</summary>
/// <typeparam name="T">The element type.</typeparam>
internal struct Timed<T>
{
    public T Value;
    public long Time;

    public Timed(T value, long time)
    {
        Value = value;
        Time = time;
    }
}

/// <summary>
/// The serialized form of TTL'd list elements and map values: a marker, then each with its time. A state written before
/// elements had their own time (the plain list or map form, which starts with a count or -1) reads with the restore's
/// time for every element, as the table gives a restored entry no older time than its own.
/// </summary>
internal static class TimedSerializers
{
    /// <summary>Starts the timed form (a plain list or map starts with its count, or -1).</summary>
    internal const int Marker = -2;

    public static ITypeSerializer<List<Timed<T>>> List<T>(ITypeSerializer<T> element, TimeProvider clock) =>
        Serializers.Create<List<Timed<T>>>(
            (w, list) =>
            {
                w.WriteInt32(Marker);
                w.WriteInt32(list.Count);
                foreach (var item in list)
                {
                    w.WriteInt64(item.Time);
                    element.Write(w, item.Value);
                }
            },
            (ref StateReader r) =>
            {
                var first = r.ReadInt32();
                var timed = first == Marker;
                var count = timed ? r.ReadInt32() : first;
                var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
                var list = new List<Timed<T>>(Math.Max(count, 0));
                for (var i = 0; i < count; i++)
                {
                    var time = timed ? r.ReadInt64() : now;
                    list.Add(new Timed<T>(element.Read(ref r), time));
                }

                return list;
            });

    /// <summary>A list state's elements without TTL (as <see cref="Serializers.List{T}"/> writes them), also read from the timed form (TTL taken off the descriptor).</summary>
    public static ITypeSerializer<List<T>> PlainList<T>(ITypeSerializer<T> element)
    {
        var plain = Serializers.List(element);
        return Serializers.Create<List<T>>(
            plain.Write,
            (ref StateReader r) =>
            {
                var probe = r;
                if (probe.ReadInt32() != Marker)
                {
                    return plain.Read(ref r);
                }

                r.ReadInt32();
                var count = r.ReadInt32();
                var list = new List<T>(count);
                for (var i = 0; i < count; i++)
                {
                    r.ReadInt64();
                    list.Add(element.Read(ref r));
                }

                return list;
            });
    }

    public static ITypeSerializer<Dictionary<TMapKey, Timed<TValue>>> Map<TMapKey, TValue>(ITypeSerializer<TMapKey> keys, ITypeSerializer<TValue> values, TimeProvider clock)
        where TMapKey : notnull =>
        Serializers.Create<Dictionary<TMapKey, Timed<TValue>>>(
            (w, map) =>
            {
                w.WriteInt32(Marker);
                w.WriteInt32(map.Count);
                foreach (var (k, v) in map)
                {
                    keys.Write(w, k);
                    w.WriteInt64(v.Time);
                    values.Write(w, v.Value);
                }
            },
            (ref StateReader r) =>
            {
                var first = r.ReadInt32();
                var timed = first == Marker;
                var count = timed ? r.ReadInt32() : first;
                var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
                var map = new Dictionary<TMapKey, Timed<TValue>>(Math.Max(count, 0));
                for (var i = 0; i < count; i++)
                {
                    var k = keys.Read(ref r);
                    var time = timed ? r.ReadInt64() : now;
                    map[k] = new Timed<TValue>(values.Read(ref r), time);
                }

                return map;
            });
}

/// <summary>
/// A list state with TTL: each element expires on its own, as Flink's <c>TtlListState</c> (the table's entry, written
/// whenever an element is, expires only once all of them have).
/// </summary>
internal sealed class TtlListStateImpl<TKey, T>(KeyedStateStore<TKey> store, StateTable<TKey, List<Timed<T>>> table, StateTtlConfig ttl, TimeProvider clock)
    : IListState<T>
{
    private readonly long _ttl = ttl.TtlMillis;
    private readonly bool _touchOnRead = ttl.UpdateType == StateTtlUpdateType.OnReadAndWrite;

    /// <summary>Drops a list's expired elements in place; true when none is left (for the table's snapshot).</summary>
    public static bool Prune(List<Timed<T>> list, long expiredBefore)
    {
        list.RemoveAll(e => e.Time <= expiredBefore);
        return list.Count == 0;
    }

    // Reading prunes (a read is no write: in place, the entry's own time untouched); appending does not (Flink's add
    // appends too): expired elements of a list only appended to leave at the next read or snapshot.
    public IReadOnlyList<T> Get()
    {
        var key = store.CurrentStateKey;
        if (!table.TryGet(key, out var list))
        {
            return [];
        }

        var now = Now();
        if (Prune(list, now - _ttl))
        {
            table.Remove(key);
            return [];
        }

        var values = new T[list.Count];
        for (var i = 0; i < list.Count; i++)
        {
            values[i] = list[i].Value;
            if (_touchOnRead)
            {
                list[i] = new Timed<T>(list[i].Value, now);
            }
        }

        return values;
    }

    public void Add(T value)
    {
        ListStateImpl<TKey, T>.NotNull(value);
        var key = store.CurrentStateKey;
        var list = table.TryGet(key, out var held) ? held : [];
        list.Add(new Timed<T>(value, Now()));
        table.Set(key, list);
    }

    public void AddAll(IEnumerable<T> values)
    {
        var added = ListStateImpl<TKey, T>.Elements(values);
        if (added.Count == 0)
        {
            return;
        }

        var key = store.CurrentStateKey;
        var list = table.TryGet(key, out var held) ? held : [];
        var now = Now();
        foreach (var value in added)
        {
            list.Add(new Timed<T>(value, now));
        }

        table.Set(key, list);
    }

    public void Update(IEnumerable<T> values)
    {
        var elements = ListStateImpl<TKey, T>.Elements(values);
        if (elements.Count == 0)
        {
            Clear();
            return;
        }

        var now = Now();
        table.Set(store.CurrentStateKey, elements.ConvertAll(v => new Timed<T>(v, now)));
    }

    public void Clear() => table.Remove(store.CurrentStateKey);

    private long Now() => clock.GetUtcNow().ToUnixTimeMilliseconds();
}

/// <summary>
/// A map state with TTL: each entry expires on its own, as Flink's <c>TtlMapState</c> (the table's entry, written
/// whenever one of them is, expires only once all of them have).
/// </summary>
internal sealed class TtlMapStateImpl<TKey, TMapKey, TValue>(KeyedStateStore<TKey> store, StateTable<TKey, Dictionary<TMapKey, Timed<TValue>>> table, StateTtlConfig ttl, TimeProvider clock)
    : IMapState<TMapKey, TValue>
    where TMapKey : notnull
{
    private readonly long _ttl = ttl.TtlMillis;
    private readonly bool _touchOnRead = ttl.UpdateType == StateTtlUpdateType.OnReadAndWrite;

    /// <summary>Drops a map's expired entries in place; true when none is left (for the table's snapshot).</summary>
    public static bool Prune(Dictionary<TMapKey, Timed<TValue>> map, long expiredBefore)
    {
        foreach (var (k, v) in map)
        {
            if (v.Time <= expiredBefore)
            {
                map.Remove(k); // safe while enumerating a Dictionary
            }
        }

        return map.Count == 0;
    }

    // Point reads and writes look at their own entry only (as Flink's TtlMapState); iterating prunes.
    public bool IsEmpty
    {
        get
        {
            var stateKey = store.CurrentStateKey;
            if (!table.TryGet(stateKey, out var map))
            {
                return true;
            }

            var expiredBefore = Now() - _ttl;
            foreach (var (k, v) in map)
            {
                if (v.Time > expiredBefore)
                {
                    return false;
                }

                map.Remove(k);
            }

            table.Remove(stateKey);
            return true;
        }
    }

    public bool TryGetValue(TMapKey key, out TValue value)
    {
        var stateKey = store.CurrentStateKey;
        if (table.TryGet(stateKey, out var map) && map.TryGetValue(key, out var timed))
        {
            var now = Now();
            if (timed.Time > now - _ttl)
            {
                if (_touchOnRead)
                {
                    map[key] = new Timed<TValue>(timed.Value, now);
                }

                value = timed.Value;
                return true;
            }

            Drop(stateKey, map, key);
        }

        value = default!;
        return false;
    }

    public bool Contains(TMapKey key) => TryGetValue(key, out _);

    public void Put(TMapKey key, TValue value)
    {
        var stateKey = store.CurrentStateKey;
        var map = table.TryGet(stateKey, out var held) ? held : [];
        map[key] = new Timed<TValue>(value, Now());
        table.Set(stateKey, map);
    }

    public bool Remove(TMapKey key)
    {
        var stateKey = store.CurrentStateKey;
        if (!table.TryGet(stateKey, out var map) || !map.TryGetValue(key, out var timed))
        {
            return false;
        }

        Drop(stateKey, map, key);
        return timed.Time > Now() - _ttl; // an expired entry did not exist any more
    }

    public IReadOnlyList<KeyValuePair<TMapKey, TValue>> Entries()
    {
        var stateKey = store.CurrentStateKey;
        if (!table.TryGet(stateKey, out var map))
        {
            return [];
        }

        var now = Now();
        if (Prune(map, now - _ttl))
        {
            table.Remove(stateKey);
            return [];
        }

        var entries = new List<KeyValuePair<TMapKey, TValue>>(map.Count);
        foreach (var (k, v) in map)
        {
            entries.Add(new KeyValuePair<TMapKey, TValue>(k, v.Value));
        }

        if (_touchOnRead)
        {
            foreach (var entry in entries)
            {
                map[entry.Key] = new Timed<TValue>(entry.Value, now);
            }
        }

        return entries;
    }

    public void Clear() => table.Remove(store.CurrentStateKey);

    // Removes one entry in place (a removal is no write of the others: the entry's own time untouched); the last one takes the map.
    private void Drop(in StateKey<TKey> stateKey, Dictionary<TMapKey, Timed<TValue>> map, TMapKey key)
    {
        map.Remove(key);
        if (map.Count == 0)
        {
            table.Remove(stateKey);
        }
    }

    private long Now() => clock.GetUtcNow().ToUnixTimeMilliseconds();
}

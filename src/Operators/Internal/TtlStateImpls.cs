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
    private const int Marker = -2;

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

    public IReadOnlyList<T> Get()
    {
        if (Live(store.CurrentStateKey) is not { } list)
        {
            return [];
        }

        var now = Now();
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
        if (value is null)
        {
            throw new ArgumentNullException(nameof(value), "You cannot add null to a ListState.");
        }

        var key = store.CurrentStateKey;
        var list = Live(key) ?? [];
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
        var list = Live(key) ?? [];
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

    // The key's list without its expired elements (removed in place: a read is no write), or null when none is left.
    private List<Timed<T>>? Live(in StateKey<TKey> key)
    {
        if (!table.TryGet(key, out var list))
        {
            return null;
        }

        var expiredBefore = Now() - _ttl;
        list.RemoveAll(e => e.Time <= expiredBefore);
        if (list.Count == 0)
        {
            table.Remove(key);
            return null;
        }

        return list;
    }

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

    public bool IsEmpty => Live(store.CurrentStateKey) is null;

    public bool TryGetValue(TMapKey key, out TValue value)
    {
        if (Live(store.CurrentStateKey) is { } map && map.TryGetValue(key, out var timed))
        {
            if (_touchOnRead)
            {
                map[key] = new Timed<TValue>(timed.Value, Now());
            }

            value = timed.Value;
            return true;
        }

        value = default!;
        return false;
    }

    public bool Contains(TMapKey key) => TryGetValue(key, out _);

    public void Put(TMapKey key, TValue value)
    {
        var stateKey = store.CurrentStateKey;
        var map = Live(stateKey) ?? [];
        map[key] = new Timed<TValue>(value, Now());
        table.Set(stateKey, map);
    }

    public bool Remove(TMapKey key)
    {
        var stateKey = store.CurrentStateKey;
        if (Live(stateKey) is not { } map || !map.Remove(key))
        {
            return false;
        }

        if (map.Count == 0)
        {
            table.Remove(stateKey);
        }
        else
        {
            table.Set(stateKey, map);
        }

        return true;
    }

    public IReadOnlyList<KeyValuePair<TMapKey, TValue>> Entries()
    {
        if (Live(store.CurrentStateKey) is not { } map)
        {
            return [];
        }

        var now = Now();
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

    // The key's map without its expired entries (removed in place: a read is no write), or null when none is left.
    private Dictionary<TMapKey, Timed<TValue>>? Live(in StateKey<TKey> stateKey)
    {
        if (!table.TryGet(stateKey, out var map))
        {
            return null;
        }

        var expiredBefore = Now() - _ttl;
        foreach (var (k, v) in map)
        {
            if (v.Time <= expiredBefore)
            {
                map.Remove(k);
            }
        }

        if (map.Count == 0)
        {
            table.Remove(stateKey);
            return null;
        }

        return map;
    }

    private long Now() => clock.GetUtcNow().ToUnixTimeMilliseconds();
}

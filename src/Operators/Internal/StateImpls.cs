using ActorFlow.Operators.Functions;
using ActorFlow.Operators.State;

namespace ActorFlow.Operators.Internal;

internal sealed class ValueStateImpl<TKey, T>(KeyedStateStore<TKey> store, StateTable<TKey, T> table) : IValueState<T>
{
    public bool HasValue => table.TryGet(store.CurrentStateKey, out _);

    public T? Value => table.TryGet(store.CurrentStateKey, out var v) ? v : default;

    // Flink's HeapValueState.update: null clears the value (it was stored, and a serializer written for non-null values
    // then failed the checkpoint).
    public void Update(T value)
    {
        if (value is null)
        {
            Clear();
            return;
        }

        table.Set(store.CurrentStateKey, value);
    }

    public void Clear() => table.Remove(store.CurrentStateKey);
}

internal sealed class ListStateImpl<TKey, T>(KeyedStateStore<TKey> store, StateTable<TKey, List<T>> table) : IListState<T>
{
    public IReadOnlyList<T> Get() => table.TryGet(store.CurrentStateKey, out var list) ? list : [];

    // As Flink's HeapListState: a null element is refused at the call (not at the checkpoint), adding no element touches
    // nothing, and an empty list is no state.
    public void Add(T value)
    {
        NotNull(value);
        var key = store.CurrentStateKey;
        if (!table.TryGet(key, out var list))
        {
            list = [];
        }

        list.Add(value);
        table.Set(key, list);
    }

    public void AddAll(IEnumerable<T> values)
    {
        var added = Elements(values);
        if (added.Count == 0)
        {
            return;
        }

        var key = store.CurrentStateKey;
        if (!table.TryGet(key, out var list))
        {
            list = [];
        }

        list.AddRange(added);
        table.Set(key, list);
    }

    public void Update(IEnumerable<T> values)
    {
        var list = Elements(values);
        if (list.Count == 0)
        {
            Clear();
            return;
        }

        table.Set(store.CurrentStateKey, list);
    }

    internal static List<T> Elements(IEnumerable<T> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        List<T> list = [.. values];
        if (!typeof(T).IsValueType || Nullable.GetUnderlyingType(typeof(T)) is not null)
        {
            foreach (var value in list)
            {
                NotNull(value);
            }
        }

        return list;
    }

    internal static void NotNull(T value)
    {
        if (value is null)
        {
            throw new ArgumentNullException(nameof(value), "You cannot add null to a ListState.");
        }
    }

    public void Clear() => table.Remove(store.CurrentStateKey);
}

internal sealed class MapStateImpl<TKey, TMapKey, TValue>(KeyedStateStore<TKey> store, StateTable<TKey, Dictionary<TMapKey, TValue>> table)
    : IMapState<TMapKey, TValue>
    where TMapKey : notnull
{
    public bool IsEmpty => !table.TryGet(store.CurrentStateKey, out var map) || map.Count == 0;

    public static Serialization.ITypeSerializer<Dictionary<TMapKey, TValue>> Serializer(
        Serialization.ITypeSerializer<TMapKey> keys, Serialization.ITypeSerializer<TValue> values) =>
        Serialization.Serializers.Create<Dictionary<TMapKey, TValue>>(
            (w, map) =>
            {
                w.WriteInt32(map.Count);
                foreach (var (k, v) in map)
                {
                    keys.Write(w, k);
                    values.Write(w, v);
                }
            },
            (ref Serialization.StateReader r) =>
            {
                // Written with TTL (each value with its time, TimedSerializers), read without it.
                var count = r.ReadInt32();
                var timed = count == TimedSerializers.Marker;
                count = timed ? r.ReadInt32() : count;
                var map = new Dictionary<TMapKey, TValue>(count);
                for (var i = 0; i < count; i++)
                {
                    var k = keys.Read(ref r);
                    if (timed)
                    {
                        r.ReadInt64();
                    }

                    map[k] = values.Read(ref r);
                }

                return map;
            });

    public bool TryGetValue(TMapKey key, out TValue value)
    {
        if (table.TryGet(store.CurrentStateKey, out var map) && map.TryGetValue(key, out value!))
        {
            return true;
        }

        value = default!;
        return false;
    }

    public bool Contains(TMapKey key) => table.TryGet(store.CurrentStateKey, out var map) && map.ContainsKey(key);

    public void Put(TMapKey key, TValue value)
    {
        var stateKey = store.CurrentStateKey;
        if (!table.TryGet(stateKey, out var map))
        {
            map = [];
        }

        map[key] = value;
        table.Set(stateKey, map);
    }

    public bool Remove(TMapKey key)
    {
        var stateKey = store.CurrentStateKey;
        if (!table.TryGet(stateKey, out var map) || !map.Remove(key))
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

    public IReadOnlyList<KeyValuePair<TMapKey, TValue>> Entries() =>
        table.TryGet(store.CurrentStateKey, out var map) ? [.. map] : [];

    public void Clear() => table.Remove(store.CurrentStateKey);
}

internal sealed class ReducingStateImpl<TKey, T>(KeyedStateStore<TKey> store, StateTable<TKey, T> table, Func<T, T, T> reduce) : IReducingState<T>
{
    public bool HasValue => table.TryGet(store.CurrentStateKey, out _);

    public T? Get() => table.TryGet(store.CurrentStateKey, out var v) ? v : default;

    // Flink's HeapReducingState.add: null clears the state (the reduce function never sees a null).
    public void Add(T value)
    {
        if (value is null)
        {
            Clear();
            return;
        }

        var key = store.CurrentStateKey;
        table.Set(key, table.TryGet(key, out var current) ? reduce(current, value) : value);
    }

    public void Clear() => table.Remove(store.CurrentStateKey);
}

internal sealed class AggregatingStateImpl<TKey, TIn, TAcc, TOut>(
    KeyedStateStore<TKey> store, StateTable<TKey, TAcc> table, IAggregateFunction<TIn, TAcc, TOut> aggregate) : IAggregatingState<TIn, TOut>
{
    public bool HasValue => table.TryGet(store.CurrentStateKey, out _);

    public TOut Get() => aggregate.GetResult(table.TryGet(store.CurrentStateKey, out var acc) ? acc : aggregate.CreateAccumulator());

    // Flink's HeapAggregatingState.add: null clears the state.
    public void Add(TIn value)
    {
        if (value is null)
        {
            Clear();
            return;
        }

        var key = store.CurrentStateKey;
        var acc = table.TryGet(key, out var current) ? current : aggregate.CreateAccumulator();
        table.Set(key, aggregate.Add(value, acc));
    }

    public void Clear() => table.Remove(store.CurrentStateKey);
}

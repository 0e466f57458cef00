using ActorFlow.Operators.State;

namespace ActorFlow.Operators.Internal;

/// <summary>The <see cref="IKeyedStateStore"/> of a backend, scoped per key or per key and window.</summary>
internal sealed class KeyedStateStore<TKey> : IKeyedStateStore
{
    private readonly KeyedStateBackend<TKey> _backend;
    private readonly bool _windowScoped;
    private readonly Dictionary<string, object> _states = new(StringComparer.Ordinal);

    public KeyedStateStore(KeyedStateBackend<TKey> backend, bool windowScoped)
    {
        _backend = backend;
        _windowScoped = windowScoped;
    }

    public StateKey<TKey> CurrentStateKey => _backend.HasKey
        ? new(_backend.CurrentKey, _windowScoped ? _backend.CurrentWindow : StateNamespace.None)
        : throw new InvalidOperationException(
            "No key set: keyed state is read or written outside a keyed context (in Open, or on a broadcast input before any keyed record), as Flink refuses it; keep such values in fields or in broadcast state");

    public IValueState<T> GetState<T>(ValueStateDescriptor<T> descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        return Cached(descriptor.Name, () => new ValueStateImpl<TKey, T>(this, Table(descriptor, "value", descriptor.Serializer)));
    }

    public IListState<T> GetListState<T>(ListStateDescriptor<T> descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        return Cached(descriptor.Name, () =>
        {
            var element = descriptor.Serializer ?? _backend.Serializers.Get<T>();
            if (descriptor.Ttl is { } ttl)
            {
                // Each element expires on its own, as Flink's TtlListState.
                return (IListState<T>)new TtlListStateImpl<TKey, T>(this, Table(descriptor, "list", TimedSerializers.List(element, _backend.Clock), Concat, TtlListStateImpl<TKey, T>.Prune), ttl, _backend.Clock);
            }

            return new ListStateImpl<TKey, T>(this, Table(descriptor, "list", TimedSerializers.PlainList(element), Concat));
        });
    }

    public IMapState<TMapKey, TValue> GetMapState<TMapKey, TValue>(MapStateDescriptor<TMapKey, TValue> descriptor)
        where TMapKey : notnull
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        return Cached(descriptor.Name, () =>
        {
            var keys = descriptor.KeySerializer ?? _backend.Serializers.Get<TMapKey>();
            var values = descriptor.ValueSerializer ?? _backend.Serializers.Get<TValue>();
            if (descriptor.Ttl is { } ttl)
            {
                // Each entry expires on its own, as Flink's TtlMapState.
                return (IMapState<TMapKey, TValue>)new TtlMapStateImpl<TKey, TMapKey, TValue>(this, Table(descriptor, "map", TimedSerializers.Map(keys, values, _backend.Clock), pruneExpired: TtlMapStateImpl<TKey, TMapKey, TValue>.Prune), ttl, _backend.Clock);
            }

            return new MapStateImpl<TKey, TMapKey, TValue>(this, Table(descriptor, "map", MapStateImpl<TKey, TMapKey, TValue>.Serializer(keys, values)));
        });
    }

    public IReducingState<T> GetReducingState<T>(ReducingStateDescriptor<T> descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        return Cached(descriptor.Name, () => new ReducingStateImpl<TKey, T>(this, Table(descriptor, "reducing", descriptor.Serializer, descriptor.Reduce), descriptor.Reduce));
    }

    public IAggregatingState<TIn, TOut> GetAggregatingState<TIn, TAcc, TOut>(AggregatingStateDescriptor<TIn, TAcc, TOut> descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        return Cached(descriptor.Name, () =>
            new AggregatingStateImpl<TKey, TIn, TAcc, TOut>(this, Table(descriptor, "aggregating", descriptor.AccumulatorSerializer, descriptor.Aggregate.Merge), descriptor.Aggregate));
    }

    // Session windows merging: a list state's elements, one list after the other.
    private static List<TElement> Concat<TElement>(List<TElement> into, List<TElement> more)
    {
        into.AddRange(more);
        return into;
    }

    private StateTable<TKey, TValue> Table<TValue>(
        StateDescriptor descriptor, string kind, Serialization.ITypeSerializer<TValue>? serializer, Func<TValue, TValue, TValue>? merge = null, Func<TValue, long, bool>? pruneExpired = null)
    {
        var resolved = serializer ?? _backend.Serializers.Get<TValue>();
        return _backend.GetOrCreateTable(descriptor.Name, kind, () => new StateTable<TKey, TValue>(descriptor.Name, kind, resolved, descriptor.Ttl, _backend.Clock, merge, pruneExpired));
    }

    private TState Cached<TState>(string name, Func<TState> create)
        where TState : class
    {
        if (_states.TryGetValue(name, out var existing))
        {
            return existing as TState
                ?? throw new InvalidOperationException($"Keyed state '{name}' is already registered with another kind or type.");
        }

        var state = create();
        _states.Add(name, state);
        return state;
    }
}

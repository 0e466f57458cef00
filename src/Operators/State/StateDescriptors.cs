using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Serialization;

namespace ActorFlow.Operators.State;

/// <summary>Names a keyed state and says how to snapshot it. The name is the state's identity in snapshots.</summary>
public abstract class StateDescriptor
{
    /// <summary>Creates the descriptor.</summary>
    /// <param name="name">A non-empty name, unique within the operator.</param>
    protected StateDescriptor(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
    }

    /// <summary>Gets the state's name.</summary>
    public string Name { get; }

    /// <summary>Gets or initializes the time-to-live (none by default).</summary>
    public StateTtlConfig? Ttl { get; init; }
}

/// <summary>Describes an <see cref="IValueState{T}"/>.</summary>
/// <typeparam name="T">The value type.</typeparam>
/// <param name="name">The state's name.</param>
/// <param name="serializer">The value serializer; from the operator's <see cref="SerializerRegistry"/> when <c>null</c>.</param>
public sealed class ValueStateDescriptor<T>(string name, ITypeSerializer<T>? serializer = null) : StateDescriptor(name)
{
    /// <summary>Gets the value serializer, if given.</summary>
    public ITypeSerializer<T>? Serializer { get; } = serializer;
}

/// <summary>Describes an <see cref="IListState{T}"/>.</summary>
/// <typeparam name="T">The element type.</typeparam>
/// <param name="name">The state's name.</param>
/// <param name="serializer">The element serializer; from the registry when <c>null</c>.</param>
public sealed class ListStateDescriptor<T>(string name, ITypeSerializer<T>? serializer = null) : StateDescriptor(name)
{
    /// <summary>Gets the element serializer, if given.</summary>
    public ITypeSerializer<T>? Serializer { get; } = serializer;
}

/// <summary>Describes an <see cref="IMapState{TMapKey,TValue}"/>.</summary>
/// <typeparam name="TMapKey">The map key type.</typeparam>
/// <typeparam name="TValue">The map value type.</typeparam>
/// <param name="name">The state's name.</param>
/// <param name="keySerializer">The map key serializer; from the registry when <c>null</c>.</param>
/// <param name="valueSerializer">The map value serializer; from the registry when <c>null</c>.</param>
public sealed class MapStateDescriptor<TMapKey, TValue>(string name, ITypeSerializer<TMapKey>? keySerializer = null, ITypeSerializer<TValue>? valueSerializer = null)
    : StateDescriptor(name)
    where TMapKey : notnull
{
    /// <summary>Gets the map key serializer, if given.</summary>
    public ITypeSerializer<TMapKey>? KeySerializer { get; } = keySerializer;

    /// <summary>Gets the map value serializer, if given.</summary>
    public ITypeSerializer<TValue>? ValueSerializer { get; } = valueSerializer;
}

/// <summary>Describes an <see cref="IReducingState{T}"/>.</summary>
/// <typeparam name="T">The value type.</typeparam>
public sealed class ReducingStateDescriptor<T> : StateDescriptor
{
    /// <summary>Creates the descriptor.</summary>
    /// <param name="name">The state's name.</param>
    /// <param name="reduce">Folds two values into one.</param>
    /// <param name="serializer">The value serializer; from the registry when <c>null</c>.</param>
    public ReducingStateDescriptor(string name, Func<T, T, T> reduce, ITypeSerializer<T>? serializer = null)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(reduce);
        Reduce = reduce;
        Serializer = serializer;
    }

    /// <summary>Gets the reduce function.</summary>
    public Func<T, T, T> Reduce { get; }

    /// <summary>Gets the value serializer, if given.</summary>
    public ITypeSerializer<T>? Serializer { get; }
}

/// <summary>Describes an <see cref="IAggregatingState{TIn,TOut}"/>.</summary>
/// <typeparam name="TIn">The type added.</typeparam>
/// <typeparam name="TAcc">The accumulator type.</typeparam>
/// <typeparam name="TOut">The result type.</typeparam>
public sealed class AggregatingStateDescriptor<TIn, TAcc, TOut> : StateDescriptor
{
    /// <summary>Creates the descriptor.</summary>
    /// <param name="name">The state's name.</param>
    /// <param name="aggregate">The aggregate function.</param>
    /// <param name="accumulatorSerializer">The accumulator serializer; from the registry when <c>null</c>.</param>
    public AggregatingStateDescriptor(string name, IAggregateFunction<TIn, TAcc, TOut> aggregate, ITypeSerializer<TAcc>? accumulatorSerializer = null)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(aggregate);
        Aggregate = aggregate;
        AccumulatorSerializer = accumulatorSerializer;
    }

    /// <summary>Gets the aggregate function.</summary>
    public IAggregateFunction<TIn, TAcc, TOut> Aggregate { get; }

    /// <summary>Gets the accumulator serializer, if given.</summary>
    public ITypeSerializer<TAcc>? AccumulatorSerializer { get; }
}

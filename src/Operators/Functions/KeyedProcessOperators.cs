using ActorFlow.Operators.Internal;
using ActorFlow.Operators.Serialization;
using ActorFlow.Operators.State;

namespace ActorFlow.Operators.Functions;

/// <summary>Builds operators that host a <see cref="KeyedProcessFunction{TKey,TIn,TOut}"/>.</summary>
public static class KeyedProcessOperators
{
    /// <summary>Builds the operator and calls the function's <see cref="KeyedProcessFunction{TKey,TIn,TOut}.Open"/>.</summary>
    /// <typeparam name="TKey">The key type (needs a serializer).</typeparam>
    /// <typeparam name="TIn">The input type.</typeparam>
    /// <typeparam name="TOut">The output type.</typeparam>
    /// <param name="function">The function (one instance per operator).</param>
    /// <param name="serializers">Serializers for the key and state; built-ins when <c>null</c>.</param>
    /// <param name="clock">The processing-time clock; <see cref="TimeProvider.System"/> when <c>null</c>.</param>
    /// <returns>The operator.</returns>
    /// <exception cref="ArgumentException">A key or state serializer is missing.</exception>
    /// <exception cref="InvalidOperationException">The function object is used by another operator already (make one per operator).</exception>
    public static IKeyedOperator<TKey, TIn, TOut> Create<TKey, TIn, TOut>(
        KeyedProcessFunction<TKey, TIn, TOut> function, SerializerRegistry? serializers = null, TimeProvider? clock = null)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(function);
        function.Claim();
        return new KeyedProcessOperator<TKey, TIn, TOut>(function, SerializerRegistry.Resolve(serializers), clock ?? DrivenClock.Default);
    }

    /// <summary>
    /// Builds the two-input operator that hosts a <see cref="KeyedCoProcessFunction{TKey,TIn1,TIn2,TOut}"/> (keyed state
    /// and timers shared by both inputs) and calls its <see cref="KeyedCoProcessFunction{TKey,TIn1,TIn2,TOut}.Open"/>.
    /// </summary>
    /// <typeparam name="TKey">The key type (needs a serializer).</typeparam>
    /// <typeparam name="TIn1">The first input's type.</typeparam>
    /// <typeparam name="TIn2">The second input's type.</typeparam>
    /// <typeparam name="TOut">The output type.</typeparam>
    /// <param name="function">The function (one instance per operator).</param>
    /// <param name="serializers">Serializers for the key and state; built-ins when <c>null</c>.</param>
    /// <param name="clock">The processing-time clock; the host's when <c>null</c>.</param>
    /// <returns>The operator.</returns>
    /// <exception cref="ArgumentException">A key or state serializer is missing.</exception>
    /// <exception cref="InvalidOperationException">The function object is used by another operator already (make one per operator).</exception>
    public static ITwoInputKeyedOperator<TKey, TIn1, TIn2, TOut> CreateCo<TKey, TIn1, TIn2, TOut>(
        KeyedCoProcessFunction<TKey, TIn1, TIn2, TOut> function, SerializerRegistry? serializers = null, TimeProvider? clock = null)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(function);
        function.Claim();
        return new KeyedCoProcessOperator<TKey, TIn1, TIn2, TOut>(function, SerializerRegistry.Resolve(serializers), clock ?? DrivenClock.Default);
    }

    /// <summary>
    /// Builds the two-input operator that hosts a <see cref="KeyedBroadcastProcessFunction{TKey,TIn,TBroadcast,TOut}"/>
    /// (input 1: keyed records; input 2: broadcast records) and calls its Open.
    /// </summary>
    /// <typeparam name="TKey">The key type (needs a serializer).</typeparam>
    /// <typeparam name="TIn">The keyed input's type.</typeparam>
    /// <typeparam name="TBroadcast">The broadcast input's type.</typeparam>
    /// <typeparam name="TOut">The output type.</typeparam>
    /// <param name="function">The function (one instance per operator).</param>
    /// <param name="serializers">Serializers for the key, keyed state and broadcast state; built-ins when <c>null</c>.</param>
    /// <param name="clock">The processing-time clock; the host's when <c>null</c>.</param>
    /// <param name="broadcastStates">
    /// The broadcast states the function may use (<see cref="MapStateDescriptor{TMapKey,TValue}"/>s, as given to Flink's
    /// <c>broadcast(descriptors)</c>): getting any other one fails naming it. <c>null</c> or empty: any name is a state.
    /// </param>
    /// <returns>The operator.</returns>
    /// <exception cref="ArgumentException">A key or state serializer is missing, or a broadcast state is not a map state or is declared twice.</exception>
    /// <exception cref="InvalidOperationException">The function object is used by another operator already (make one per operator).</exception>
    public static ITwoInputKeyedOperator<TKey, TIn, TBroadcast, TOut> CreateBroadcast<TKey, TIn, TBroadcast, TOut>(
        KeyedBroadcastProcessFunction<TKey, TIn, TBroadcast, TOut> function, SerializerRegistry? serializers = null, TimeProvider? clock = null,
        IEnumerable<StateDescriptor>? broadcastStates = null)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(function);
        var declared = DeclaredBroadcastStates(broadcastStates);
        function.Claim();
        return new KeyedBroadcastProcessOperator<TKey, TIn, TBroadcast, TOut>(function, SerializerRegistry.Resolve(serializers), clock ?? DrivenClock.Default, declared);
    }

    /// <summary>Checks broadcast state descriptors: map states with distinct names; <c>null</c> when none are given.</summary>
    /// <param name="descriptors">The descriptors, or <c>null</c>.</param>
    /// <returns>The descriptors by name, or <c>null</c>.</returns>
    /// <exception cref="ArgumentException">One is <c>null</c>, not a map state, or named twice.</exception>
    internal static IReadOnlyDictionary<string, StateDescriptor>? DeclaredBroadcastStates(IEnumerable<StateDescriptor>? descriptors)
    {
        if (descriptors is null)
        {
            return null;
        }

        var declared = new Dictionary<string, StateDescriptor>(StringComparer.Ordinal);
        foreach (var descriptor in descriptors)
        {
            if (descriptor is null)
            {
                throw new ArgumentException("A broadcast state descriptor is null.", nameof(descriptors));
            }

            var type = descriptor.GetType();
            if (!type.IsGenericType || type.GetGenericTypeDefinition() != typeof(MapStateDescriptor<,>))
            {
                throw new ArgumentException(
                    $"Broadcast state '{descriptor.Name}' is described by a {type.Name}: broadcast state is map state (MapStateDescriptor), as in Flink.", nameof(descriptors));
            }

            if (!declared.TryAdd(descriptor.Name, descriptor))
            {
                throw new ArgumentException($"Broadcast state '{descriptor.Name}' is declared twice.", nameof(descriptors));
            }
        }

        return declared.Count == 0 ? null : declared;
    }
}

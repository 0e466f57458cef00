using ActorFlow.Operators.Internal;
using ActorFlow.Operators.Serialization;

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
    public static IKeyedOperator<TKey, TIn, TOut> Create<TKey, TIn, TOut>(
        KeyedProcessFunction<TKey, TIn, TOut> function, SerializerRegistry? serializers = null, TimeProvider? clock = null)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(function);
        return new KeyedProcessOperator<TKey, TIn, TOut>(function, serializers ?? new SerializerRegistry(), clock ?? DrivenClock.Default);
    }
}

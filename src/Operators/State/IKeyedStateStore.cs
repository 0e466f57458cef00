namespace ActorFlow.Operators.State;

/// <summary>
/// Gives access to keyed state. State objects are bound to the key (and window) being processed: use them
/// only inside the call that is processing a record, timer or window. Asking twice for the same name
/// returns the same state; asking with another kind of descriptor for a used name throws.
/// </summary>
public interface IKeyedStateStore
{
    /// <summary>Gets a value state.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="descriptor">The descriptor.</param>
    /// <returns>The state.</returns>
    IValueState<T> GetState<T>(ValueStateDescriptor<T> descriptor);

    /// <summary>Gets a list state.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="descriptor">The descriptor.</param>
    /// <returns>The state.</returns>
    IListState<T> GetListState<T>(ListStateDescriptor<T> descriptor);

    /// <summary>Gets a map state.</summary>
    /// <typeparam name="TMapKey">The map key type.</typeparam>
    /// <typeparam name="TValue">The map value type.</typeparam>
    /// <param name="descriptor">The descriptor.</param>
    /// <returns>The state.</returns>
    IMapState<TMapKey, TValue> GetMapState<TMapKey, TValue>(MapStateDescriptor<TMapKey, TValue> descriptor)
        where TMapKey : notnull;

    /// <summary>Gets a reducing state.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="descriptor">The descriptor.</param>
    /// <returns>The state.</returns>
    IReducingState<T> GetReducingState<T>(ReducingStateDescriptor<T> descriptor);

    /// <summary>Gets an aggregating state.</summary>
    /// <typeparam name="TIn">The type added.</typeparam>
    /// <typeparam name="TAcc">The accumulator type.</typeparam>
    /// <typeparam name="TOut">The result type.</typeparam>
    /// <param name="descriptor">The descriptor.</param>
    /// <returns>The state.</returns>
    IAggregatingState<TIn, TOut> GetAggregatingState<TIn, TAcc, TOut>(AggregatingStateDescriptor<TIn, TAcc, TOut> descriptor);
}

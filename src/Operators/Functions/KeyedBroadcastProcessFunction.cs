using ActorFlow.Operators.State;

namespace ActorFlow.Operators.Functions;

/// <summary>
/// A keyed function that also sees a broadcast stream, as Flink's <c>KeyedBroadcastProcessFunction</c>: every record of
/// the broadcast stream (e.g. rules) reaches every key group, in the order of the job's records, and is kept in
/// broadcast state (maps by descriptor name, the same in every key group, part of every checkpoint). Keyed records see
/// the broadcast state read-only, with their keyed state and timers; broadcast records update it.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TIn">The keyed input's type.</typeparam>
/// <typeparam name="TBroadcast">The broadcast input's type.</typeparam>
/// <typeparam name="TOut">The output type.</typeparam>
public abstract class KeyedBroadcastProcessFunction<TKey, TIn, TBroadcast, TOut>
{
    /// <summary>Gets a value indicating whether this function replays deterministically (see <see cref="KeyedProcessFunction{TKey,TIn,TOut}.ReplaysDeterministically"/>).</summary>
    public virtual bool ReplaysDeterministically => false;

    private int _claimed;

    /// <summary>
    /// Marks this instance as used by an operator. One instance serves one operator (it keeps that operator's state
    /// objects in its fields): an instance shared by several operators would mix their keys' state without an error.
    /// </summary>
    /// <exception cref="InvalidOperationException">Another operator uses this instance already.</exception>
    internal void Claim()
    {
        if (Interlocked.Exchange(ref _claimed, 1) != 0)
        {
            throw new InvalidOperationException(
                $"This {GetType().Name} is already used by another operator: a function object serves one operator (its Open keeps that operator's state objects). " +
                "Create a new instance per operator, inside the operator factory (e.g. () => KeyedProcessOperators.Create(new MyFunction())).");
        }
    }

    /// <summary>Called once when the operator is built, before any record: get keyed state objects here.</summary>
    /// <param name="state">The keyed state store.</param>
    public virtual void Open(IKeyedStateStore state)
    {
    }

    /// <summary>Processes one keyed record; the broadcast state is read-only here.</summary>
    /// <param name="value">The record.</param>
    /// <param name="context">The record's context.</param>
    /// <param name="output">The main output (results carry the record's timestamp).</param>
    public abstract void ProcessElement(TIn value, ReadOnlyContext context, ICollector<TOut> output);

    /// <summary>
    /// Processes one broadcast record (in every key group, each with its copy of the broadcast state and its own keys):
    /// update the broadcast state here. What it emits (main or side output) comes out once per broadcast record, from
    /// the first key group, as from a Flink job of parallelism 1; what it emits inside <c>ApplyToKeyedState</c> for a key
    /// comes out once per key, from the key group that holds it.
    /// </summary>
    /// <param name="value">The broadcast record.</param>
    /// <param name="context">Its context (no key).</param>
    /// <param name="output">The main output (results carry the broadcast record's timestamp).</param>
    public abstract void ProcessBroadcastElement(TBroadcast value, Context context, ICollector<TOut> output);

    /// <summary>Called when a timer of the current key fires.</summary>
    /// <param name="timestamp">The timer's time.</param>
    /// <param name="context">The timer's context.</param>
    /// <param name="output">The main output (results carry the timer's time).</param>
    public virtual void OnTimer(long timestamp, OnTimerContext context, ICollector<TOut> output)
    {
    }

    /// <summary>What a function sees while it processes a keyed record.</summary>
    public abstract class ReadOnlyContext
    {
        /// <summary>
        /// Gets the record's timestamp, or <c>null</c> when it has no valid one (<see cref="Timestamps.NoTimestamp"/> or
        /// <see cref="long.MaxValue"/>, see <see cref="Timestamps.IsValid"/>); in <c>OnTimer</c>, the firing timer's time,
        /// whatever it is (a timer at <see cref="long.MaxValue"/> that the end of input fires sees that), as in Flink.
        /// </summary>
        public abstract long? Timestamp { get; }

        /// <summary>Gets the current key.</summary>
        public abstract TKey CurrentKey { get; }

        /// <summary>Gets the timer service of the current key.</summary>
        public abstract ITimerService TimerService { get; }

        /// <summary>Gets keyed state (bound to the current key).</summary>
        public abstract IKeyedStateStore State { get; }

        /// <summary>Gets the broadcast state named by <paramref name="descriptor"/>, read-only.</summary>
        /// <typeparam name="TMapKey">The map's key type.</typeparam>
        /// <typeparam name="TValue">The map's value type.</typeparam>
        /// <param name="descriptor">Name and serializers (built-ins or the operator's registry when not given).</param>
        /// <returns>The map (empty until a broadcast record fills it).</returns>
        public abstract IReadOnlyDictionary<TMapKey, TValue> GetBroadcastState<TMapKey, TValue>(MapStateDescriptor<TMapKey, TValue> descriptor)
            where TMapKey : notnull;

        /// <summary>Emits to a side output.</summary>
        /// <typeparam name="T">The side output's type.</typeparam>
        /// <param name="tag">The side output.</param>
        /// <param name="value">The record.</param>
        public abstract void Output<T>(OutputTag<T> tag, T value);
    }

    /// <summary>What a function sees while a timer fires.</summary>
    public abstract class OnTimerContext : ReadOnlyContext
    {
        /// <summary>Gets the domain of the firing timer.</summary>
        public abstract TimeDomain TimeDomain { get; }
    }

    /// <summary>What a function sees while it processes a broadcast record.</summary>
    public abstract class Context
    {
        /// <summary>Gets the broadcast record's timestamp, or <c>null</c> when it has none.</summary>
        public abstract long? Timestamp { get; }

        /// <summary>Gets the current watermark of the operator.</summary>
        public abstract long CurrentWatermark { get; }

        /// <summary>Gets the operator's current processing time (milliseconds since the epoch).</summary>
        public abstract long CurrentProcessingTime { get; }

        /// <summary>
        /// Runs <paramref name="function"/> for every key that holds the keyed value state <paramref name="descriptor"/>,
        /// with that key's state (to read, update or clear), as Flink's <c>applyToKeyedState</c>: e.g. to drop per-key
        /// state when a rule is removed. A key whose state expired as a whole is skipped (one whose TTL'd list or map
        /// elements all expired may be visited with an empty state).
        /// </summary>
        /// <typeparam name="T">The state's value type.</typeparam>
        /// <param name="descriptor">The state, as the keyed side registers it.</param>
        /// <param name="function">Called with each key and its state.</param>
        public abstract void ApplyToKeyedState<T>(ValueStateDescriptor<T> descriptor, Action<TKey, IValueState<T>> function);

        /// <summary>Runs <paramref name="function"/> for every key that holds the keyed list state <paramref name="descriptor"/> (see the value state's overload).</summary>
        /// <typeparam name="T">The element type.</typeparam>
        /// <param name="descriptor">The state, as the keyed side registers it.</param>
        /// <param name="function">Called with each key and its state.</param>
        public abstract void ApplyToKeyedState<T>(ListStateDescriptor<T> descriptor, Action<TKey, IListState<T>> function);

        /// <summary>Runs <paramref name="function"/> for every key that holds the keyed map state <paramref name="descriptor"/> (see the value state's overload).</summary>
        /// <typeparam name="TMapKey">The map's key type.</typeparam>
        /// <typeparam name="TValue">The map's value type.</typeparam>
        /// <param name="descriptor">The state, as the keyed side registers it.</param>
        /// <param name="function">Called with each key and its state.</param>
        public abstract void ApplyToKeyedState<TMapKey, TValue>(MapStateDescriptor<TMapKey, TValue> descriptor, Action<TKey, IMapState<TMapKey, TValue>> function)
            where TMapKey : notnull;

        /// <summary>Gets the broadcast state named by <paramref name="descriptor"/>, to update.</summary>
        /// <typeparam name="TMapKey">The map's key type.</typeparam>
        /// <typeparam name="TValue">The map's value type.</typeparam>
        /// <param name="descriptor">Name and serializers (built-ins or the operator's registry when not given).</param>
        /// <returns>The map.</returns>
        public abstract IDictionary<TMapKey, TValue> GetBroadcastState<TMapKey, TValue>(MapStateDescriptor<TMapKey, TValue> descriptor)
            where TMapKey : notnull;

        /// <summary>Emits to a side output.</summary>
        /// <typeparam name="T">The side output's type.</typeparam>
        /// <param name="tag">The side output.</param>
        /// <param name="value">The record.</param>
        public abstract void Output<T>(OutputTag<T> tag, T value);
    }
}

using ActorFlow.Operators.State;

namespace ActorFlow.Operators.Functions;

/// <summary>
/// The low-level keyed function, as Flink's <c>KeyedProcessFunction</c>: sees each record with its
/// timestamp, the watermark, keyed state and timers, and may emit to the main and side outputs. One
/// instance serves every key of the operator, so keep per-key data in keyed state, not in fields.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TIn">The input type.</typeparam>
/// <typeparam name="TOut">The output type.</typeparam>
public abstract class KeyedProcessFunction<TKey, TIn, TOut>
{
    /// <summary>
    /// Gets a value indicating whether this function, given the same records, timers and processing times, always
    /// makes the same state changes: it reads time only through its context (not <c>DateTime.UtcNow</c>), uses no
    /// randomness, and never modifies an input record (nor one it stored in state). Say <c>true</c> to let the
    /// runtime restart its key group alone when it throws, by replaying the key group's inputs since its last
    /// snapshot from memory (<c>JobRunnerOptions.KeyGroupRestartLog</c>); the default <c>false</c> makes a throw fail
    /// the job over to its last checkpoint instead.
    /// </summary>
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

    /// <summary>Called once when the operator is built, before any record: get state objects here.</summary>
    /// <param name="state">The keyed state store.</param>
    public virtual void Open(IKeyedStateStore state)
    {
    }

    /// <summary>Processes one record.</summary>
    /// <param name="value">The record.</param>
    /// <param name="context">The record's context.</param>
    /// <param name="output">The main output (results carry the record's timestamp).</param>
    public abstract void ProcessElement(TIn value, Context context, ICollector<TOut> output);

    /// <summary>Called when a timer of the current key fires.</summary>
    /// <param name="timestamp">The timer's time.</param>
    /// <param name="context">The timer's context.</param>
    /// <param name="output">The main output (results carry the timer's time).</param>
    public virtual void OnTimer(long timestamp, OnTimerContext context, ICollector<TOut> output)
    {
    }

    /// <summary>What a function sees while it processes a record.</summary>
    public abstract class Context
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

        /// <summary>Emits to a side output.</summary>
        /// <typeparam name="T">The side output's type.</typeparam>
        /// <param name="tag">The side output.</param>
        /// <param name="value">The record.</param>
        public abstract void Output<T>(OutputTag<T> tag, T value);
    }

    /// <summary>What a function sees while a timer fires.</summary>
    public abstract class OnTimerContext : Context
    {
        /// <summary>Gets the domain of the firing timer.</summary>
        public abstract TimeDomain TimeDomain { get; }
    }
}

namespace ActorFlow.Operators.Internal;

/// <summary>
/// INTERNAL API. Lets the TestKit's operator harness show the timers and keyed state an operator holds (as Flink's test
/// harnesses count timers and keyed state entries), without changing them. Implemented by the operators that keep
/// timers and state per key.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
internal interface IOperatorInspection<in TKey>
{
    /// <summary>Gets the number of pending event-time timers of every key (for a window operator, its windows' firing and cleanup times).</summary>
    int EventTimeTimerCount { get; }

    /// <summary>Gets the number of pending processing-time timers of every key.</summary>
    int ProcessingTimeTimerCount { get; }

    /// <summary>
    /// Gets the number of keyed state entries, one per (key, namespace) of each state: the user's states (also those
    /// restored and not read yet) and the operator's own (a window's contents, a key's set of sessions).
    /// </summary>
    int KeyedStateEntryCount { get; }

    /// <summary>The times (epoch ms) of the pending event-time timers of <paramref name="key"/>, ascending; for a window operator, its windows' firing and cleanup times.</summary>
    IReadOnlyList<long> EventTimeTimersOf(TKey key);

    /// <summary>The times (epoch ms) of the pending processing-time timers of <paramref name="key"/>, ascending.</summary>
    IReadOnlyList<long> ProcessingTimeTimersOf(TKey key);

    /// <summary>Gets the clock the operator reads processing time from (null when it reads none).</summary>
    TimeProvider? ProcessingClock { get; }

    /// <summary>The latest processing time the operator was advanced to (restored from its snapshot too); <see cref="long.MinValue"/> before any.</summary>
    long LastProcessingTime { get; }
}

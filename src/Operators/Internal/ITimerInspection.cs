namespace ActorFlow.Operators.Internal;

/// <summary>
/// INTERNAL API. Lets the TestKit's operator harness show the timers an operator holds for a key (as Flink's test
/// harnesses count timers), without changing them. Implemented by the operators that keep timers per key.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
internal interface ITimerInspection<in TKey>
{
    /// <summary>The times (epoch ms) of the pending event-time timers of <paramref name="key"/>, ascending; for a window operator, its windows' firing and cleanup times.</summary>
    IReadOnlyList<long> EventTimeTimersOf(TKey key);

    /// <summary>The times (epoch ms) of the pending processing-time timers of <paramref name="key"/>, ascending.</summary>
    IReadOnlyList<long> ProcessingTimeTimersOf(TKey key);
}

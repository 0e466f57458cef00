namespace ActorFlow.Operators.Internal;

/// <summary>The timers of a key, for the TestKit's operator harness.</summary>
internal sealed partial class KeyedBroadcastProcessOperator<TKey, TIn, TBroadcast, TOut> : IOperatorInspection<TKey>
{
    public int EventTimeTimerCount => _inner.EventTimeTimerCount;

    public int ProcessingTimeTimerCount => _inner.ProcessingTimeTimerCount;

    public int KeyedStateEntryCount => _inner.KeyedStateEntryCount;

    public IReadOnlyList<long> EventTimeTimersOf(TKey key) => _inner.EventTimeTimersOf(key);

    public IReadOnlyList<long> ProcessingTimeTimersOf(TKey key) => _inner.ProcessingTimeTimersOf(key);

    public TimeProvider? ProcessingClock => _inner.ProcessingClock;

    /// <inheritdoc/>
    public long LastProcessingTime => _inner.LastProcessingTime;
}

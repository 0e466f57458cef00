namespace ActorFlow.Operators.Internal;

/// <summary>The timers of a key (its windows' firing and cleanup times), for the TestKit's operator harness.</summary>
internal sealed partial class WindowOperator<TKey, TIn, TState, TOut> : IOperatorInspection<TKey>
{
    public int EventTimeTimerCount
    {
        get
        {
            RegisterDeferred();
            return _eventTimers.Count;
        }
    }

    public int ProcessingTimeTimerCount => _processingTimers.Count;

    public int KeyedStateEntryCount => _windows.Count + (_sessions?.Count ?? 0) + _state.EntryCount;

    public IReadOnlyList<long> EventTimeTimersOf(TKey key)
    {
        RegisterDeferred();
        return _eventTimers.TimesOf(key);
    }

    public IReadOnlyList<long> ProcessingTimeTimersOf(TKey key) => _processingTimers.TimesOf(key);

    public TimeProvider? ProcessingClock => _clock;

    /// <inheritdoc/>
    public long LastProcessingTime => _lastProcessingTime;
}

namespace ActorFlow.Operators.Internal;

/// <summary>The timers of a key, for the TestKit's operator harness.</summary>
internal sealed partial class KeyedProcessOperator<TKey, TIn, TOut> : IOperatorInspection<TKey>
{
    public int EventTimeTimerCount => _eventTimers.Count;

    public int ProcessingTimeTimerCount => _processingTimers.Count;

    public int KeyedStateEntryCount => _state.EntryCount;

    public IReadOnlyList<long> EventTimeTimersOf(TKey key) => _eventTimers.TimesOf(key);

    public IReadOnlyList<long> ProcessingTimeTimersOf(TKey key) => _processingTimers.TimesOf(key);

    public TimeProvider? ProcessingClock => _clock;

    /// <inheritdoc/>
    public long LastProcessingTime => _lastProcessingTime;
}

namespace ActorFlow.Operators.Internal;

/// <summary>The timers of a key (its windows' firing and cleanup times), for the TestKit's operator harness.</summary>
internal sealed partial class WindowOperator<TKey, TIn, TState, TOut> : ITimerInspection<TKey>
{
    public IReadOnlyList<long> EventTimeTimersOf(TKey key)
    {
        RegisterDeferred();
        return _eventTimers.TimesOf(key);
    }

    public IReadOnlyList<long> ProcessingTimeTimersOf(TKey key) => _processingTimers.TimesOf(key);
}

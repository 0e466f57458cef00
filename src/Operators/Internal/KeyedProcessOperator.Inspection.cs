namespace ActorFlow.Operators.Internal;

/// <summary>The timers of a key, for the TestKit's operator harness.</summary>
internal sealed partial class KeyedProcessOperator<TKey, TIn, TOut> : ITimerInspection<TKey>
{
    public IReadOnlyList<long> EventTimeTimersOf(TKey key) => _eventTimers.TimesOf(key);

    public IReadOnlyList<long> ProcessingTimeTimersOf(TKey key) => _processingTimers.TimesOf(key);
}

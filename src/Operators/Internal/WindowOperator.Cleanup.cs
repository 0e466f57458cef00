using ActorFlow.Operators.Windowing;

namespace ActorFlow.Operators.Internal;

/// <summary>Window cleanup: a window's state lives until max timestamp + allowed lateness (event time) or its
/// max timestamp (processing time); a window past that is late.</summary>
internal sealed partial class WindowOperator<TKey, TIn, TState, TOut>
{
    private long CleanupTime(TimeWindow window)
    {
        if (!_isEventTime)
        {
            return window.MaxTimestamp;
        }

        var cleanup = window.MaxTimestamp + _allowedLateness;
        return cleanup >= window.MaxTimestamp ? cleanup : long.MaxValue;
    }

    private bool IsWindowLate(TimeWindow window) => _isEventTime && CleanupTime(window) <= CurrentWatermark;

    private void RegisterCleanupTimer(TKey key, TimeWindow window)
    {
        var cleanup = CleanupTime(window);
        if (cleanup == long.MaxValue)
        {
            return;
        }

        (_isEventTime ? _eventTimers : _processingTimers).Register(key, window, cleanup);
    }

    private void DeleteCleanupTimer(TKey key, TimeWindow window)
    {
        if (_cleanupIsTriggerTimer)
        {
            return; // the same timer as the trigger's, which the trigger's Clear deleted
        }

        var cleanup = CleanupTime(window);
        if (cleanup != long.MaxValue)
        {
            (_isEventTime ? _eventTimers : _processingTimers).Delete(key, window, cleanup);
        }
    }
}

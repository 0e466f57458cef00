namespace ActorFlow.Operators.Internal;

/// <summary>
/// Deferred timers. With the event-time trigger on event-time windows and no allowed lateness, a new window's only
/// timer is the one at its max timestamp (the trigger's and the cleanup's). Registering it costs two hashed dictionary
/// operations (the live-timer table, when it is added and when it fires) and ~100 bytes for as long as the window
/// lives. Such registrations are appended to a list instead, in registration order, and moved into the timer queue
/// (in that order, so the queue's sequence numbers and firing order are those it would have had) when the watermark
/// moves, a snapshot is taken or a test inspects the timers. When the watermark passes every deferred timer and the
/// queue holds none (batch mode: event time stands still until the end of the input, when every window fires), they
/// fire straight from the list, in the queue's order (time, then registration), without entering it.
/// </summary>
internal sealed partial class WindowOperator<TKey, TIn, TState, TOut>
{
    private readonly bool _defersTimers;
    private readonly List<StateKey<TKey>> _deferred = [];
    private long _deferredLatest = long.MinValue;

    /// <summary>Gets the number of window timers not registered in the timer queue yet (for tests).</summary>
    internal int DeferredTimerCount => _deferred.Count;

    /// <summary>Defers the timer at <paramref name="stateKey"/>'s max timestamp (its window is new and not late).</summary>
    private void DeferTimer(StateKey<TKey> stateKey)
    {
        _deferred.Add(stateKey);
        _deferredLatest = Math.Max(_deferredLatest, stateKey.Namespace.MaxTimestamp);
    }

    /// <summary>Before timers fire at <paramref name="watermark"/>: the deferred ones fire now (every one is due and the queue is empty) or join the queue.</summary>
    private void FireOrRegisterDeferred(long watermark)
    {
        if (_deferred.Count == 0)
        {
            return;
        }

        if (_deferredLatest > watermark || _eventTimers.Count > 0)
        {
            RegisterDeferred();
            return;
        }

        var due = new (long Time, int Index)[_deferred.Count];
        for (var i = 0; i < due.Length; i++)
        {
            due[i] = (_deferred[i].Namespace.MaxTimestamp, i);
        }

        Array.Sort(due);
        var fired = 0;
        try
        {
            // Firing adds no deferred timer (no record arrives meanwhile), so the list stays as it is until the end.
            for (; fired < due.Length; fired++)
            {
                var window = _deferred[due[fired].Index];
                OnTimer(new TimerKey<TKey>(window.Key, window.Namespace, due[fired].Time), TimeDomainKind.Event);
            }
        }
        finally
        {
            // A firing that threw (failures not isolated) leaves the timers after it queued, as the queue would have.
            for (var i = fired + 1; i < due.Length; i++)
            {
                Register(_deferred[due[i].Index]);
            }

            _deferred.Clear();
            _deferredLatest = long.MinValue;
            if (due.Length > 4_096)
            {
                _deferred.TrimExcess(); // a large firing (the end of a bounded input) gives its memory back
            }
        }
    }

    /// <summary>Moves the deferred timers into the timer queue, in registration order.</summary>
    private void RegisterDeferred()
    {
        foreach (var window in _deferred)
        {
            Register(window);
        }

        _deferred.Clear();
        _deferredLatest = long.MinValue;
    }

    /// <summary>Registers the timer a deferred window stands for: at its max timestamp.</summary>
    private void Register(StateKey<TKey> window) => _eventTimers.Register(window.Key, window.Namespace, window.Namespace.MaxTimestamp);
}

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
    private readonly SegmentedList<StateKey<TKey>> _deferred = new();
    private long _deferredLatest = long.MinValue;

    // During a firing of every deferred window from the table (TableInRegistrationOrder): their entries, by registration.
    private SegmentedList<WindowEntry<TState>>? _firing;

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

        // The queue's order: time, then registration. Sorted as primitive keys, then each run of equal times by index.
        var count = _deferred.Count;
        var times = new long[count];
        var order = new int[count];
        for (var i = 0; i < count; i++)
        {
            times[i] = _deferred[i].Namespace.MaxTimestamp;
            order[i] = i;
        }

        Array.Sort(times, order);
        for (var start = 0; start < count;)
        {
            var end = start + 1;
            while (end < count && times[end] == times[start])
            {
                end++;
            }

            if (end - start > 1)
            {
                Array.Sort(order, start, end - start);
            }

            start = end;
        }

        // When the table holds exactly the deferred windows in their registration order (batch mode: nothing left it since
        // they came), its entries are read once in storage order and the table is cleared at the end, instead of a
        // hashed removal per window (each a few cache misses on a large table).
        _firing = TableInRegistrationOrder();
        var fired = 0;
        try
        {
            // Firing adds no deferred timer (no record arrives meanwhile), so the list stays as it is until the end.
            for (; fired < count; fired++)
            {
                var window = _deferred[order[fired]];
                OnTimer(new TimerKey<TKey>(window.Key, window.Namespace, times[fired]), TimeDomainKind.Event, deferred: order[fired]);
            }

            if (_firing is not null)
            {
                _windows.Clear();
            }
        }
        finally
        {
            if (_firing is not null && fired < count)
            {
                // A firing that threw (failures not isolated): the windows fired before it leave the table (it, as FireTimer leaves it).
                for (var i = 0; i < fired; i++)
                {
                    _windows.Remove(_deferred[order[i]]);
                }
            }

            _firing = null;

            // A firing that threw (failures not isolated) leaves the timers after it queued, as the queue would have.
            for (var i = fired + 1; i < count; i++)
            {
                Register(_deferred[order[i]]);
            }

            _deferred.Clear(release: count > 4_096); // a large firing (the end of a bounded input) gives its memory back
            _deferredLatest = long.MinValue;
        }
    }

    /// <summary>
    /// The table's entries in registration order when they are exactly the deferred windows (a table that only grew
    /// keeps its insertion order, and a new window is inserted as its timer is deferred), else null.
    /// </summary>
    private SegmentedList<WindowEntry<TState>>? TableInRegistrationOrder() => _windows.EntriesInOrder(_deferred);

    /// <summary>
    /// <see cref="FireTimer"/> for a deferred window's timer, with at most one table operation where it takes two: the
    /// event-time trigger fires at the window's max timestamp, which (no allowed lateness) is also its cleanup time, so
    /// the window is emitted and then cleared as <see cref="ClearAllState"/> clears it. Its entry comes from the table
    /// read in registration order (<see cref="_firing"/>, cleared when the whole firing is done) or is removed now.
    /// </summary>
    private void FireDeferred(TimerKey<TKey> timer, int index)
    {
        var stateKey = new StateKey<TKey>(timer.Key, timer.Namespace);
        WindowEntry<TState> entry = default;
        if (_firing is not null)
        {
            entry = _firing[index];
        }
        else
        {
            _windows.Remove(stateKey, out entry);
        }

        if (entry.HasContents)
        {
            try
            {
                Emit(stateKey, ref entry.State);
            }
            catch (Exception)
            {
                _windows.Set(stateKey, entry); // the window stays, with what the emit left in it, as FireTimer leaves it
                throw;
            }
        }

        try
        {
            ClearRemoved(stateKey);
        }
        catch (Exception)
        {
            _windows.Remove(stateKey); // FireTimer removes the window whatever its clear callbacks do
            throw;
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

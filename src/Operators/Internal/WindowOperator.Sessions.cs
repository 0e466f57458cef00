using System.Runtime.InteropServices;
using ActorFlow.Operators.Windowing;
using ActorFlow.Operators.Windowing.Triggers;

namespace ActorFlow.Operators.Internal;

/// <summary>Merging (session) windows: per key, the list of its disjoint sessions.</summary>
internal sealed partial class WindowOperator<TKey, TIn, TState, TOut>
{
    private readonly Dictionary<TKey, List<TimeWindow>>? _sessions;
    private readonly List<TimeWindow> _mergeScratch = [];
    private readonly List<MergedCell> _mergedTriggerStates = [];
    private readonly Stack<List<TimeWindow>> _listPool = new();

    private const int AddedNot = 0;
    private const int AddedToContents = 1;
    private const int AddedAsNew = 2;

    private bool AddToSessions(TKey key, TIn value, long timestamp)
    {
        var accepted = false;
        for (var i = 0; i < _assigned.Count; i++)
        {
            if (MergeInto(key, _assigned[i], value, timestamp, out var actual, out var added))
            {
                accepted = true;
                var stateKey = new StateKey<TKey>(key, actual);
                bool isNew;
                if (added == AddedNot)
                {
                    ref var entry = ref _windows.GetOrAdd(stateKey);
                    isNew = !entry.HasContents;
                    _contents.Add(ref entry.State, isNew, value, timestamp);
                    entry.HasContents = true;
                }
                else
                {
                    isNew = added == AddedAsNew;
                }

                OnElementTrigger(stateKey, timestamp, isNew);
            }
        }

        return accepted;
    }

    /// <summary>Adds a new session window for <paramref name="key"/>, merging it with the sessions it
    /// overlaps or touches (a record may bridge two sessions). Returns false when the window is late.</summary>
    private bool MergeInto(TKey key, TimeWindow window, TIn value, long timestamp, out TimeWindow actual, out int added)
    {
        added = AddedNot;
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_sessions!, key, out var exists);
        if (!exists)
        {
            slot = _listPool.Count > 0 ? _listPool.Pop() : [];
        }

        var sessions = slot!; // a local copy: the slot is invalid once the dictionary changes

        _mergeScratch.Clear();
        var merged = window;
        foreach (var existing in sessions!)
        {
            if (existing.Intersects(window))
            {
                _mergeScratch.Add(existing);
                merged = merged.Cover(existing);
            }
        }

        if (_mergeScratch.Count == 0)
        {
            if (IsWindowLate(window))
            {
                if (sessions.Count == 0)
                {
                    _sessions!.Remove(key);
                    _listPool.Push(sessions);
                }

                actual = default;
                return false;
            }

            sessions.Add(window);
            actual = window;
            return true;
        }

        actual = merged;
        if (_mergeScratch.Count == 1 && _mergeScratch[0] == merged)
        {
            return true; // inside an existing session
        }

        foreach (var old in _mergeScratch)
        {
            sessions.Remove(old);
        }

        sessions.Add(merged);
        added = MergeWindowState(key, merged, value, timestamp) ? AddedAsNew : AddedToContents;
        return true;
    }

    /// <summary>Moves the merged windows' contents into the merged window and adds the new record to it
    /// (saving a lookup); returns whether the merged window had no contents before the record.</summary>
    private bool MergeWindowState(TKey key, TimeWindow merged, TIn value, long timestamp)
    {
        var combined = default(WindowEntry<TState>);
        _mergedTriggerStates.Clear();
        foreach (var old in _mergeScratch)
        {
            if (_windows.Remove(new StateKey<TKey>(key, old), out var entry))
            {
                if (entry.HasContents)
                {
                    combined.State = combined.HasContents ? _contents.Merge(combined.State, entry.State) : entry.State;
                    combined.HasContents = true;
                }

                _mergedTriggerStates.Add(new MergedCell(entry.HasTriggerState, entry.TriggerState));
            }
            else
            {
                _mergedTriggerStates.Add(default);
            }
        }

        var isNew = !combined.HasContents;
        _contents.Add(ref combined.State, isNew, value, timestamp);
        combined.HasContents = true;
        var mergedKey = new StateKey<TKey>(key, merged);
        _windows.Set(mergedKey, combined);
        if (!_cleanupIsTriggerTimer)
        {
            RegisterCleanupTimer(key, merged); // otherwise OnMerge below registers the very same timer
        }

        _triggerContext.Bind(mergedKey);
        _triggerContext.MergedStates = _mergedTriggerStates;
        _trigger.OnMerge(merged, _triggerContext);
        _triggerContext.MergedStates = null;
        for (var i = 0; i < _mergeScratch.Count; i++)
        {
            var old = _mergeScratch[i];
            ClearMergedAway(new StateKey<TKey>(key, old), _mergedTriggerStates[i]);
            DeleteCleanupTimer(key, old);
        }

        if (_contents.UsesWindowState)
        {
            _state.MergeNamespaces(key, merged, _mergeScratch);
        }

        return isNew;
    }

    /// <summary>
    /// The trigger's <see cref="Trigger.Clear"/> of a window merged away, after <see cref="Trigger.OnMerge"/> as in Flink's
    /// merge function. A cell that OnMerge read (<see cref="IOnMergeContext.TryGetMergedState"/>, where Flink's triggers
    /// call <c>mergePartitionedState</c>, which moves the merged windows' state into the merged window) is the merged
    /// window's now, and Clear does not see it (its timers stay and fire into a window that no longer exists, as in Flink);
    /// a cell OnMerge left alone is still the old window's, and Clear sees it, e.g. to delete the timers it names.
    /// </summary>
    private void ClearMergedAway(StateKey<TKey> oldKey, MergedCell cell)
    {
        var kept = cell.Has && !cell.Taken;
        if (kept)
        {
            _windows.Set(oldKey, new WindowEntry<TState> { HasTriggerState = true, TriggerState = cell.Value });
        }

        _triggerContext.Bind(oldKey);
        try
        {
            _trigger.Clear(oldKey.Namespace, _triggerContext);
        }
        finally
        {
            if (kept)
            {
                _windows.Remove(oldKey);
            }
        }
    }

    private bool SessionExists(StateKey<TKey> stateKey) =>
        _sessions!.TryGetValue(stateKey.Key, out var sessions) && sessions.Contains(stateKey.Namespace);

    private void RetireSession(StateKey<TKey> stateKey)
    {
        if (_sessions is null || !_sessions.TryGetValue(stateKey.Key, out var sessions))
        {
            return;
        }

        sessions.Remove(stateKey.Namespace);
        if (sessions.Count == 0)
        {
            _sessions.Remove(stateKey.Key);
            _listPool.Push(sessions);
        }
    }

    /// <summary>The trigger cell of a window merged away, while the merge runs; <see cref="Taken"/> once OnMerge read it.</summary>
    private struct MergedCell(bool has, long value)
    {
        public readonly bool Has = has;
        public readonly long Value = value;
        public bool Taken;
    }
}

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. What a key group needs to restart its operator alone: the state at its last snapshot (null: the
/// operator's initial state) and the inputs applied since, in order. Holds at most <c>limit</c> records or inputs
/// (<see cref="JobRunnerOptions.KeyGroupRestartLog"/>); past that it forgets them until the next snapshot, and a
/// failure then fails the job over instead. Disabled (limit 0) for operators that do not replay deterministically.
/// </summary>
internal sealed class RestartLog
{
    private readonly int _limit;
    private readonly string? _off;
    private byte[]? _base;
    private List<KeyGroupInput>? _inputs;
    private int _records;

    /// <summary>A log of at most <paramref name="limit"/> records; off when 0 or the operator does not replay deterministically.</summary>
    public RestartLog(int limit, bool replaysDeterministically)
    {
        // Only an operator that reaches the same state from the same inputs can be rebuilt by a replay (one keeping
        // record objects, or a process function that may read the wall clock, would not).
        _off = limit <= 0 ? "local restarts are off (KeyGroupRestartLog = 0)"
            : !replaysDeterministically ? "its operator does not replay deterministically (IKeyedOperator.ReplaysDeterministically), so it is not restarted alone"
            : null;
        _limit = _off is null ? limit : 0;
        _inputs = _limit > 0 ? [] : null;
    }

    /// <summary>The key group restored <paramref name="state"/>: a restart starts from it.</summary>
    public void Restored(byte[] state)
    {
        if (_limit > 0)
        {
            _base = state;
        }
    }

    /// <summary>The key group snapshotted <paramref name="state"/> (whether or not the checkpoint completes job-wide): a restart now starts from it.</summary>
    public void Snapshotted(byte[] state)
    {
        if (_limit > 0)
        {
            _base = state;
            _inputs = [];
            _records = 0;
        }
    }

    /// <summary>Logs an input that was applied.</summary>
    public void Remember(KeyGroupInput input)
    {
        if (_inputs is null)
        {
            return;
        }

        _records += input.Records?.Count ?? 0;
        if (_records > _limit || _inputs.Count >= _limit)
        {
            _inputs = null; // no local restart until the next snapshot; the job fails over instead
            return;
        }

        // The log keeps its own copy of the records: read in place, they hold the whole dispatched batch, and a replay
        // needs neither their Kafka bytes nor their position (its dead letters are dropped, as all of its output), so the
        // copy leaves those out: the log holds up to KeyGroupRestartLog records per key group until the next snapshot,
        // long enough for the GC to move them to its oldest generation.
        _inputs.Add(input.Records is { Count: > 0 } records ? input with { Records = ForReplay(records) } : input);
    }

    private static Routed[] ForReplay(IReadOnlyList<Routed> records)
    {
        var copy = new Routed[records.Count];
        for (var i = 0; i < copy.Length; i++)
        {
            var r = records[i];
            copy[i] = new Routed(r.KeyGroup, r.Key, r.Value, r.Timestamp, r.Watermark, Target: r.Target);
        }

        return copy;
    }

    /// <summary>Forgets everything: the key group gave up and waits for the job to reset it.</summary>
    public void Discard()
    {
        _inputs = null;
        _base = null;
    }

    /// <summary>
    /// Builds a fresh operator with <paramref name="newHost"/>, restores the last snapshot's state and replays the
    /// logged inputs (their output was delivered before and is dropped). Null with <paramref name="host"/> set when
    /// done, else why not.
    /// </summary>
    public string? Rebuild(Func<IKeyGroupHost> newHost, out IKeyGroupHost? host, out int replayed)
    {
        host = null;
        replayed = 0;
        if (_inputs is null)
        {
            return _off ?? $"more than {_limit} records (or inputs) were applied since its last snapshot (KeyGroupRestartLog)";
        }

        IKeyGroupHost fresh;
        try
        {
            fresh = newHost();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Reported as a reason like the others: thrown, it left the key group's batch in flight unanswered.
            return $"its operator could not be made again ({e.GetType().Name}: {e.Message})";
        }

        var discarded = new List<Emitted>();
        try
        {
            if (_base is not null)
            {
                fresh.Restore(_base);
            }

            foreach (var input in _inputs)
            {
                // Each input replays as it was applied: one whose failed firing was dead-lettered is isolated again,
                // and in one that was not, a firing that throws now makes the replay fail (its state would differ).
                fresh.IsolateFailures = input.Isolated;
                input.ApplyTo(fresh, discarded); // delivered before the failure
                discarded.Clear();
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return $"replaying its {_inputs.Count} inputs since its last snapshot threw ({e.GetType().Name}: {e.Message})";
        }

        host = fresh;
        replayed = _inputs.Count;
        return null;
    }
}

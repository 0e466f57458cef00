using ActorFlow.Operators.Windowing;

namespace ActorFlow.Operators.Internal;

/// <summary>
/// INTERNAL API. An operator that can take records pre-aggregated ahead of its key groups (Flink's and Spark's local
/// pre-aggregation of a batch job, the combiner): <see cref="CreateCombiner"/> folds consecutive records of one key and
/// window into one partial accumulator on the thread that reads them, and the operator merges each partial
/// (<see cref="WindowPartial"/>) into its window as if it had added the records one by one.
/// </summary>
internal interface IPreAggregating<TKey, TIn, TOut>
{
    /// <summary>A new combiner, or null when this operator's results could depend on the records one by one (a trigger
    /// other than the event-time trigger, windows that overlap or merge, contents that keep the records).</summary>
    IWindowCombiner<TKey, TIn>? CreateCombiner();

    /// <summary>Merges a partial made by a combiner of this operator's into its window.</summary>
    void ProcessPartial(TKey key, WindowPartial partial, IOperatorOutput<TOut> output);
}

/// <summary>
/// INTERNAL API. Folds records into partial accumulators per (key, window), from one <see cref="Clear"/> to the next (a
/// chunk of one source partition). Used by one thread.
/// </summary>
internal interface IWindowCombiner<TKey, TIn>
{
    /// <summary>
    /// Adds <paramref name="value"/> to its (key, window)'s partial: null when an earlier record's partial took it, else
    /// what goes on to the key group in the record's place: a new <see cref="WindowPartial"/>, or the record itself when
    /// it cannot be combined (no valid timestamp, a null key: the operator rejects it as it would have), goes on while
    /// the merge is checked on the first records, or the check failed
    /// (<see cref="WindowContents{TKey, TIn, TState, TOut}.CheckMerge"/>). What the aggregate function throws leaves the
    /// partial as it was.
    /// </summary>
    object? Combine(TKey key, TIn value, long timestamp);

    /// <summary>Forgets the partials: records after this start new ones.</summary>
    void Clear();
}

/// <summary>INTERNAL API. Records of one key and one window folded into one accumulator ahead of the key group.</summary>
internal abstract class WindowPartial(long timestamp)
{
    /// <summary>Gets the timestamp of the first record folded in (it names the window).</summary>
    public long Timestamp { get; } = timestamp;
}

/// <summary>INTERNAL API. A partial of a window operator's contents state.</summary>
internal sealed class WindowPartial<TState>(long timestamp) : WindowPartial(timestamp)
{
    public TState State = default!;

    /// <summary>The records folded in.</summary>
    public int Records;
}

/// <content>Pre-aggregation: combiners for batch runs, and partials merged into the windows.</content>
internal sealed partial class WindowOperator<TKey, TIn, TState, TOut> : IPreAggregating<TKey, TIn, TOut>
{
    /// <inheritdoc />
    public IWindowCombiner<TKey, TIn>? CreateCombiner() =>
        _sessions is null && _elementAssigner is null && _assigner is TumblingEventTimeWindows tumbling && _eventTimeTrigger && _contents.Combines
            ? new Combiner(_contents, tumbling.Size, tumbling.Offset)
            : null;

    /// <summary>
    /// Merges <paramref name="partial"/> (made by this operator's combiner) into its window, as adding its records one by
    /// one would have: the same window entry, trigger and timers. Only for input where nothing is late (a batch run:
    /// event time stands still until the end of the input): the records of a late partial are gone, so it throws.
    /// </summary>
    public void ProcessPartial(TKey key, WindowPartial partial, IOperatorOutput<TOut> output)
    {
        var typed = (WindowPartial<TState>)partial;
        _emitContext.Sink = output;
        _assigned.Clear();
        _assigner.AssignWindows(partial.Timestamp, 0, _assigned);
        var window = _assigned[0];
        if (IsWindowLate(window))
        {
            throw new InvalidOperationException($"pre-aggregated records of window {window} arrived after it was cleaned up (watermark {CurrentWatermark}): pre-aggregation is for batch runs, where nothing is late");
        }

        var stateKey = new StateKey<TKey>(key, window);
        ref var entry = ref _windows.GetOrAdd(stateKey);
        var isNew = !entry.HasContents;
        if (isNew)
        {
            entry.State = typed.State; // the fold is dropped after this call: its state becomes the window's
        }
        else
        {
            try
            {
                entry.State = _contents.Merge(entry.State, typed.State);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new InvalidOperationException($"merging the accumulator of {typed.Records} records pre-aggregated from this one on failed ({e.GetType().Name}: {e.Message}); none of them is in window {window}", e);
            }
        }

        entry.HasContents = true;
        OnElementTrigger(stateKey, partial.Timestamp, isNew);
    }

    private sealed class Combiner(WindowContents<TKey, TIn, TState, TOut> contents, long size, long offset) : IWindowCombiner<TKey, TIn>
    {
        /// <summary>Pairs checked, at most, before records are folded on pairs of equal accumulators only.</summary>
        private const int MaxChecks = 32;

        private readonly Dictionary<StateKey<TKey>, WindowPartial<TState>> _open = new(StateKeyComparer<TKey>.Instance);

        // Until the merge is checked (WindowContents.CheckMerge) the records go on unfolded: each is checked against a
        // candidate record, until a pair whose accumulators differ agrees or any pair differs. A function whose every
        // record has the same accumulator (a count) gives only such pairs: it is folded after MaxChecks of them.
        private Probe _probe;
        private bool _hasCandidate;
        private TIn? _candidate;
        private int _checks;
        private bool _sameAccumulators;

        private enum Probe
        {
            Checking,
            Agrees,
            Differs,
        }

        public object? Combine(TKey key, TIn value, long timestamp)
        {
            if (key is null || !Timestamps.IsValid(timestamp))
            {
                return value;
            }

            if (_probe != Probe.Agrees)
            {
                if (_probe == Probe.Checking)
                {
                    Check(value);
                }

                return value;
            }

            var stateKey = new StateKey<TKey>(key, WindowArithmetic.TumblingWindow(timestamp, size, offset));
            if (_open.TryGetValue(stateKey, out var partial))
            {
                contents.Add(ref partial.State, false, value, timestamp);
                partial.Records++;
                return null;
            }

            partial = new WindowPartial<TState>(timestamp);
            contents.Add(ref partial.State, true, value, timestamp);
            partial.Records = 1;
            _open.Add(stateKey, partial);
            return partial;
        }

        public void Clear() => _open.Clear();

        private void Check(TIn value)
        {
            if (!_hasCandidate)
            {
                (_candidate, _hasCandidate) = (value, true);
                return;
            }

            switch (contents.CheckMerge(_candidate!, value))
            {
                case MergeCheck.Agrees:
                    Decide(Probe.Agrees);
                    return;
                case MergeCheck.Differs:
                    Decide(Probe.Differs);
                    return;
                case MergeCheck.FirstUnusable:
                    _candidate = value;
                    break;
                case MergeCheck.SameAccumulators:
                    _sameAccumulators = true;
                    break;
                default:
                    break; // the record could not be added: the candidate stays
            }

            if (++_checks >= MaxChecks)
            {
                Decide(_sameAccumulators ? Probe.Agrees : Probe.Differs);
            }
        }

        private void Decide(Probe probe)
        {
            _probe = probe;
            (_candidate, _hasCandidate) = (default, false);
        }
    }
}

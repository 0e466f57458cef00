using ActorFlow.Operators;
using ActorFlow.Operators.Internal;
using ActorFlow.Topology.Connectors;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. Runs a typed <see cref="IKeyedOperator{TKey,TIn,TOut}"/> for all keys of one key group.
/// A record whose user code throws becomes a dead letter; the other records and keys go on.
/// </summary>
internal sealed class KeyGroupHost<TKey, TIn, TOut>(
    IKeyedOperator<TKey, TIn, TOut> op, string operatorName, DrivenClock? clock = null, IReadOnlySet<string>? sidesToDeadLetters = null) : IKeyGroupHost
{
    private readonly Output _output = new(operatorName, op, sidesToDeadLetters);
    private readonly IIsolatesFailures? _isolating = op as IIsolatesFailures;

    public long? NextProcessingTimeTimer => op.NextProcessingTimeTimer;

    public long Watermark => op.CurrentWatermark;

    public bool ReplaysDeterministically => op.ReplaysDeterministically;

    public bool IsolateFailures
    {
        get => _isolating?.IsolateFailures ?? false;
        set
        {
            if (_isolating is not null)
            {
                _isolating.IsolateFailures = value;
            }
        }
    }

    public void Process(IReadOnlyList<Routed> records, long watermark, long nowMs, List<Emitted> output)
    {
        clock?.NowMs = nowMs;
        _output.Target = output;
        foreach (var r in records)
        {
            if (r.Watermark > op.CurrentWatermark)
            {
                _output.Current = null; // what the watermark fires belongs to no record
                // The watermark travels ahead of the records read after it: the record is judged against it here as in
                // every other key group (windows it closes fire first).
                op.ProcessWatermark(r.Watermark, _output);
            }

            try
            {
                _output.Current = r;
                op.ProcessElement((TKey)r.Key, (TIn)r.Value!, r.Timestamp, _output);
            }
            catch (Exception e) when (e is not OutOfMemoryException and not InvalidCastException)
            {
                output.Add(new Emitted(EmittedKind.Dead, null,
                    new DeadLetterRecord($"operator '{operatorName}' failed on key '{r.Key}': {e.GetType().Name}: {e.Message}", r.Origin ?? "", r.Offset, r.RawKey, r.RawValue, operatorName), r.Timestamp));
            }
        }

        _output.Current = null;
        if (watermark > op.CurrentWatermark)
        {
            op.ProcessWatermark(watermark, _output);
        }

        op.AdvanceProcessingTime(nowMs, _output);
    }

    public byte[] Snapshot() => op.SnapshotToArray();

    public void Restore(byte[] state) => op.Restore(state);

    public void AdvanceProcessingTime(long nowMs, List<Emitted> output)
    {
        clock?.NowMs = nowMs;
        _output.Target = output;
        op.AdvanceProcessingTime(nowMs, _output);
    }

    private sealed class Output(string operatorName, IKeyedOperator<TKey, TIn, TOut> op, IReadOnlySet<string>? sidesToDeadLetters) : IOperatorOutput<TOut>
    {
        public List<Emitted> Target { get; set; } = [];

        /// <summary>The record being applied, if any: a late or rejected record it caused is dead-lettered with its position and bytes.</summary>
        public Routed? Current { get; set; }

        public void Collect(TOut value, long timestamp) => Target.Add(new Emitted(EmittedKind.Main, null, value, timestamp));

        public void CollectSide<T>(OutputTag<T> tag, T value, long timestamp)
        {
            if (value is FiringFailure failure && tag.Id == FailureIsolation.FailedId)
            {
                Target.Add(new Emitted(EmittedKind.Dead, null, new DeadLetterRecord(
                    $"operator '{operatorName}' failed firing {failure.What} of key '{failure.Key}': {failure.Error.GetType().Name}: {failure.Error.Message}",
                    "", -1, null, null, operatorName), timestamp));
                return;
            }

            Target.Add(new Emitted(EmittedKind.Side, tag.Id, value, timestamp));
            if (sidesToDeadLetters is not null && sidesToDeadLetters.Contains(tag.Id))
            {
                // No sink takes this side output: its record goes to the dead letters, never only to a counter.
                var reason = value is IRejectedRecord rejected
                    ? $"operator '{operatorName}' rejected the record: {rejected.Reason}"
                    : $"operator '{operatorName}': late record at {timestamp}, behind the watermark {op.CurrentWatermark} (side output '{tag.Id}' has no sink)";
                var r = Current;
                Target.Add(new Emitted(EmittedKind.Dead, null, new DeadLetterRecord(reason, r?.Origin ?? "", r?.Offset ?? -1, r?.RawKey, r?.RawValue, operatorName), timestamp));
            }
        }
    }
}

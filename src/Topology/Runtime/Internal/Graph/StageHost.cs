using ActorFlow.Operators;
using ActorFlow.Operators.Internal;
using ActorFlow.Persistence.Partitioning;
using ActorFlow.Topology.Connectors;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>INTERNAL API. One stage's operator in one key group, type-erased for the key group's host.</summary>
internal interface IStageHost
{
    StageNode Stage { get; }

    long CurrentWatermark { get; }

    long? NextProcessingTimeTimer { get; }

    bool ReplaysDeterministically { get; }

    bool IsolateFailures { get; set; }

    /// <summary>The stages chained to this one's main output, in the same key group.</summary>
    List<IStageHost> Downstream { get; }

    /// <summary>Applies a record routed to the stage (its watermark is in force already).</summary>
    void Element(in Routed record, List<Emitted> output);

    /// <summary>Applies a record the stage it is chained to emitted.</summary>
    void Chained(object? value, long timestamp, List<Emitted> output);

    void AdvanceWatermark(long watermark, List<Emitted> output);

    void AdvanceProcessingTime(long nowMs, List<Emitted> output);

    /// <summary>Batch mode's end of input: fires every pending processing-time timer (see <see cref="IEndsProcessingTime{TOut}"/>).</summary>
    void EndProcessingTime(List<Emitted> output);

    byte[] Snapshot();

    void Restore(byte[] state);
}

/// <summary>
/// INTERNAL API. Runs a typed <see cref="IKeyedOperator{TKey,TIn,TOut}"/> for all keys of one key group. A record
/// whose user code throws becomes a dead letter naming the operator; the other records and keys go on.
/// </summary>
internal sealed class OneInputStageHost<TKey, TIn, TOut> : IStageHost
    where TKey : notnull
{
    private readonly IKeyedOperator<TKey, TIn, TOut> _op;
    private readonly StageOutput<TOut> _output;
    private readonly IIsolatesFailures? _isolating;
    private readonly IPreAggregating<TKey, TIn, TOut>? _preAggregating;
    private readonly int _keyGroup;
    private readonly int _maxParallelism;
    private readonly Func<TIn, TKey>? _chainKey;
    private readonly Dsl.IKeyCodec<TKey> _codec;

    public OneInputStageHost(StageNode stage, IKeyedOperator<TKey, TIn, TOut> op, int keyGroup, int maxParallelism, Func<TIn, TKey>? chainKey, Dsl.IKeyCodec<TKey> codec)
    {
        Stage = stage;
        _op = op;
        _isolating = op as IIsolatesFailures;
        _preAggregating = op as IPreAggregating<TKey, TIn, TOut>;
        _keyGroup = keyGroup;
        _maxParallelism = maxParallelism;
        _chainKey = chainKey;
        _codec = codec;
        _output = new StageOutput<TOut>(stage, op, Downstream);
    }

    public StageNode Stage { get; }

    public List<IStageHost> Downstream { get; } = [];

    public long CurrentWatermark => _op.CurrentWatermark;

    public long? NextProcessingTimeTimer => _op.NextProcessingTimeTimer;

    public bool ReplaysDeterministically => _op.ReplaysDeterministically;

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

    public void Element(in Routed record, List<Emitted> output)
    {
        _output.Target = output;
        try
        {
            _output.SetCurrent(record);
            if (_preAggregating is not null && record.Value is WindowPartial partial)
            {
                _preAggregating.ProcessPartial((TKey)record.Key, partial, _output); // records folded ahead (a batch run)
            }
            else
            {
                _op.ProcessElement((TKey)record.Key, (TIn)record.Value!, record.Timestamp, _output);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException and not InvalidCastException and not OperatorFailureException)
        {
            output.Add(new Emitted(EmittedKind.Dead, null,
                new DeadLetterRecord($"operator '{Stage.Name}' failed on key '{record.Key}': {e.GetType().Name}: {e.Message}", record.Origin ?? "", record.Offset, record.RawKey, record.RawValue, Stage.Name), record.Timestamp));
        }
        finally
        {
            _output.ClearCurrent();
        }
    }

    public void Chained(object? value, long timestamp, List<Emitted> output)
    {
        _output.Target = output;
        TKey key;
        try
        {
            key = _chainKey!((TIn)value!) ?? throw new InvalidOperationException("the key selector returned null");
            var group = KeyGroupOf.For(_codec, key, _maxParallelism);
            if (group != _keyGroup)
            {
                throw new InvalidOperationException(
                    $"its key '{key}' belongs to key group {group}, not to key group {_keyGroup} of the record it came from: a chained stage keeps the key of the stage before it (use KeyBy to re-partition)");
            }

            _op.ProcessElement(key, (TIn)value!, timestamp, _output);
        }
        catch (Exception e) when (e is not OutOfMemoryException and not OperatorFailureException)
        {
            output.Add(new Emitted(EmittedKind.Dead, null,
                new DeadLetterRecord($"operator '{Stage.Name}' failed on a record of operator '{Stage.ChainedTo?.Name}': {e.GetType().Name}: {e.Message}", "", -1, null, null, Stage.Name), timestamp));
        }
    }

    public void AdvanceWatermark(long watermark, List<Emitted> output)
    {
        if (watermark > _op.CurrentWatermark)
        {
            _output.Target = output;
            _op.ProcessWatermark(watermark, _output);
        }
    }

    public void AdvanceProcessingTime(long nowMs, List<Emitted> output)
    {
        _output.Target = output;
        _op.AdvanceProcessingTime(nowMs, _output);
    }

    public void EndProcessingTime(List<Emitted> output)
    {
        if (_op is IEndsProcessingTime<TOut> ends)
        {
            _output.Target = output;
            ends.EndProcessingTime(_output);
        }
    }

    public byte[] Snapshot() => _op.SnapshotToArray();

    public void Restore(byte[] state) => _op.Restore(state);
}

/// <summary>
/// INTERNAL API. Where a stage's operator emits: the main output to its channel (when a stream reads it on the runner
/// node) and to the stages chained to it; side outputs to their channels, counted when no stream reads them, and the
/// late and rejected records nobody takes also to the dead letters.
/// </summary>
internal sealed class StageOutput<TOut>(StageNode stage, IKeyedOperator op, List<IStageHost> downstream) : IOperatorOutput<TOut>
{
    private readonly int _main = stage.Main.LeavesKeyGroup ? stage.Main.Id : -1;

    public List<Emitted> Target { get; set; } = [];

    // The record being applied, if any: a late or rejected record it caused is dead-lettered with its position and
    // bytes. Only those four fields are kept: copying the whole 72-byte record in and out of a nullable per record
    // (a copy with write barriers each way) was ~16 % of a keyed entity's CPU samples in the tumbling benchmark.
    private bool _hasCurrent;
    private string? _origin;
    private long _offset;
    private byte[]? _rawKey;
    private byte[]? _rawValue;

    public void SetCurrent(in Routed record)
    {
        _origin = record.Origin;
        _offset = record.Offset;
        _rawKey = record.RawKey;
        _rawValue = record.RawValue;
        _hasCurrent = true;
    }

    /// <summary>No record is being applied (a timer or watermark fires): its references stay until the next one.</summary>
    public void ClearCurrent() => _hasCurrent = false;

    public void Collect(TOut value, long timestamp)
    {
        if (_main >= 0)
        {
            Target.Add(new Emitted(EmittedKind.Main, null, value, timestamp, _main));
        }

        foreach (var next in downstream)
        {
            next.Chained(value, timestamp, Target);
        }
    }

    public void CollectSide<T>(OutputTag<T> tag, T value, long timestamp)
    {
        if (value is FiringFailure failure && tag.Id == FailureIsolation.FailedId)
        {
            Target.Add(new Emitted(EmittedKind.Dead, null, new DeadLetterRecord(
                $"operator '{stage.Name}' failed firing {failure.What} of key '{failure.Key}': {failure.Error.GetType().Name}: {failure.Error.Message}",
                "", -1, null, null, stage.Name), timestamp));
            return;
        }

        var channel = stage.Sides.TryGetValue(tag.Id, out var side) ? side.Id : -1;
        Target.Add(new Emitted(EmittedKind.Side, tag.Id, value, timestamp, channel));
        if (stage.SidesToDeadLetters.Contains(tag.Id))
        {
            // No stream reads this side output: its record goes to the dead letters, never only to a counter.
            var reason = value is IRejectedRecord rejected
                ? $"operator '{stage.Name}' rejected the record: {rejected.Reason}"
                : $"operator '{stage.Name}': late record at {timestamp}, behind the watermark {op.CurrentWatermark} (side output '{tag.Id}' has no sink)";
            Target.Add(new Emitted(EmittedKind.Dead, null, _hasCurrent
                ? new DeadLetterRecord(reason, _origin ?? "", _offset, _rawKey, _rawValue, stage.Name)
                : new DeadLetterRecord(reason, "", -1, null, null, stage.Name), timestamp));
        }
    }
}

/// <summary>INTERNAL API. Runs a typed <see cref="ITwoInputKeyedOperator{TKey,TIn1,TIn2,TOut}"/> for all keys of one key group.</summary>
internal sealed class TwoInputStageHost<TKey, T1, T2, TOut> : IStageHost
    where TKey : notnull
{
    private readonly ITwoInputKeyedOperator<TKey, T1, T2, TOut> _op;
    private readonly StageOutput<TOut> _output;
    private readonly IIsolatesFailures? _isolating;
    private readonly bool _firstKeyGroup;
    private readonly int _port1;
    private readonly bool _broadcast;

    /// <param name="stage">The stage.</param>
    /// <param name="op">Its operator for this key group.</param>
    /// <param name="broadcast">Whether the second input is a broadcast stream.</param>
    /// <param name="keyGroup">The key group (0-based within the hop): the first emits what a broadcast record makes.</param>
    public TwoInputStageHost(TwoInputStage<TKey, T1, T2, TOut> stage, ITwoInputKeyedOperator<TKey, T1, T2, TOut> op, bool broadcast, int keyGroup)
    {
        _firstKeyGroup = keyGroup == 0;
        Stage = stage;
        _op = op;
        _isolating = op as IIsolatesFailures;
        if (broadcast && op is IEmitsBroadcastOutputOnce once)
        {
            // Every key group applies a broadcast record; what the function emits for it outside its keys comes out
            // once, from the hop's first key group (by the host's own key group: a record's stamp differs between the
            // local and the remote delivery of a later hop's batches).
            once.EmitsBroadcastOutput = _firstKeyGroup;
        }

        _port1 = stage.Port1;
        _broadcast = broadcast;
        _output = new StageOutput<TOut>(stage, op, Downstream);
    }

    public StageNode Stage { get; }

    public List<IStageHost> Downstream { get; } = [];

    public long CurrentWatermark => _op.CurrentWatermark;

    public long? NextProcessingTimeTimer => _op.NextProcessingTimeTimer;

    public bool ReplaysDeterministically => _op.ReplaysDeterministically;

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

    public void Element(in Routed record, List<Emitted> output)
    {
        _output.Target = output;
        try
        {
            _output.SetCurrent(record);
            if (record.Target == _port1)
            {
                _op.ProcessElement1((TKey)record.Key, (T1)record.Value!, record.Timestamp, _output);
            }
            else if (!_broadcast)
            {
                _op.ProcessElement2((TKey)record.Key, (T2)record.Value!, record.Timestamp, _output);
            }
            else
            {
                _op.ProcessElement2(default!, (T2)record.Value!, record.Timestamp, _output);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException and not InvalidCastException and not OperatorFailureException)
        {
            var broadcastRecord = _broadcast && record.Target != _port1;
            var failedKey = broadcastRecord && _op is IEmitsBroadcastOutputOnce { ApplyFailure: { } failure } && ReferenceEquals(failure.Error, e) ? failure.Key : null;
            if (broadcastRecord && !_firstKeyGroup && failedKey is null)
            {
                // Every key group applies the broadcast record and fails alike outside its keys: the hop's first key group
                // makes the one dead letter (each made one: 128 for one bad rule). A key's failure is its key group's own.
                return;
            }

            var what = failedKey is not null ? $"a broadcast record, applying it to key '{failedKey}'" : broadcastRecord ? "a broadcast record" : $"key '{record.Key}'";
            output.Add(new Emitted(EmittedKind.Dead, null,
                new DeadLetterRecord($"operator '{Stage.Name}' failed on {what}: {e.GetType().Name}: {e.Message}", record.Origin ?? "", record.Offset, record.RawKey, record.RawValue, Stage.Name), record.Timestamp));
        }
        finally
        {
            _output.ClearCurrent();
        }
    }

    public void Chained(object? value, long timestamp, List<Emitted> output) =>
        throw new InvalidOperationException($"Operator '{Stage.Name}' has two inputs: no stage can be chained into it.");

    public void AdvanceWatermark(long watermark, List<Emitted> output)
    {
        if (watermark > _op.CurrentWatermark)
        {
            _output.Target = output;
            _op.ProcessWatermark(watermark, _output);
        }
    }

    public void AdvanceProcessingTime(long nowMs, List<Emitted> output)
    {
        _output.Target = output;
        _op.AdvanceProcessingTime(nowMs, _output);
    }

    public void EndProcessingTime(List<Emitted> output)
    {
        if (_op is IEndsProcessingTime<TOut> ends)
        {
            _output.Target = output;
            ends.EndProcessingTime(_output);
        }
    }

    public byte[] Snapshot() => _op.SnapshotToArray();

    public void Restore(byte[] state) => _op.Restore(state);
}

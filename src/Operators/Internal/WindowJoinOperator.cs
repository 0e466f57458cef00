using System.Buffers;
using ActorFlow.Operators.Serialization;
using ActorFlow.Operators.Windowing;

namespace ActorFlow.Operators.Internal;

/// <summary>
/// Joins two keyed inputs per (key, window): when a window fires (watermark or processing time reaches its
/// max timestamp), every pair of a first-input and a second-input record of that key and window is joined.
/// Records whose windows have all fired go to the late-data side outputs of their input.
/// </summary>
internal sealed class WindowJoinOperator<TKey, TIn1, TIn2, TOut> : ITwoInputKeyedOperator<TKey, TIn1, TIn2, TOut>, IOperatorInspection<TKey>, IIsolatesFailures, IUsesEventTime
    where TKey : notnull
{
    private readonly WindowAssigner _assigner;
    private readonly Func<TIn1, TIn2, TOut> _join;
    private readonly ITypeSerializer<TKey> _keySerializer;
    private readonly ITypeSerializer<List<TimestampedValue<TIn1>>> _leftSerializer;
    private readonly ITypeSerializer<List<TimestampedValue<TIn2>>> _rightSerializer;
    private readonly TimeProvider _clock;
    private readonly ProcessingTimeFloor _time;
    private readonly Dictionary<StateKey<TKey>, Buffers> _windows = new();
    private readonly TimerQueue<TKey> _timers = new();
    private readonly List<TimeWindow> _assigned = [];
    private long _lastProcessingTime = long.MinValue;
    private IsolatedOutput<TOut>? _isolated;

    /// <inheritdoc/>
    public string? EventTimeUse => _assigner.IsEventTime ? $"a window join over event-time windows ({_assigner.GetType().Name}), which joins when the watermark passes a window's end" : null;

    public WindowJoinOperator(WindowAssigner assigner, Func<TIn1, TIn2, TOut> join, SerializerRegistry serializers, TimeProvider clock)
    {
        _assigner = assigner;
        _join = join;
        _clock = clock;
        _time = new ProcessingTimeFloor(clock, () => _lastProcessingTime);
        _keySerializer = serializers.Get<TKey>();
        _leftSerializer = IntervalJoinOperator<TKey, TIn1, TIn2, TOut>.BufferSerializer(serializers.Get<TIn1>());
        _rightSerializer = IntervalJoinOperator<TKey, TIn1, TIn2, TOut>.BufferSerializer(serializers.Get<TIn2>());
    }

    public long CurrentWatermark { get; private set; } = long.MinValue;

    /// <summary>
    /// Set by the runtime once the same input failed twice (<see cref="IIsolatesFailures"/>): a window whose join
    /// function throws then goes out as a <see cref="FiringFailure"/> (a dead letter naming key and window) with none of
    /// its pairs, and the other windows fire; before, the failure left every later window unfired and the job failing over.
    /// </summary>
    public bool IsolateFailures { get; set; }

    public long? NextProcessingTimeTimer => !_assigner.IsEventTime && _timers.TryPeekTime(out var t) ? t : null;

    public long LateRecordCount { get; private set; }

    public int EventTimeTimerCount => _assigner.IsEventTime ? _timers.Count : 0;

    public int ProcessingTimeTimerCount => _assigner.IsEventTime ? 0 : _timers.Count;

    /// <summary>Gets one entry per key and window with records buffered (Flink's coGroup window state).</summary>
    public int KeyedStateEntryCount => _windows.Count;

    public TimeProvider? ProcessingClock => _clock;

    /// <inheritdoc/>
    public long LastProcessingTime => _lastProcessingTime;

    public IReadOnlyList<long> EventTimeTimersOf(TKey key) => _assigner.IsEventTime ? _timers.TimesOf(key) : [];

    public IReadOnlyList<long> ProcessingTimeTimersOf(TKey key) => _assigner.IsEventTime ? [] : _timers.TimesOf(key);

    public long RejectedRecordCount { get; private set; }

    private long ProcessingTime => _time.NowMs;

    public void ProcessElement1(TKey key, TIn1 value, long timestamp, IOperatorOutput<TOut> output)
    {
        if (Check(key, value, timestamp, output))
        {
            Add(key, timestamp, b => b.Left.Add(new TimestampedValue<TIn1>(value, timestamp)), () => output.CollectSide(OutputTags.LateData<TIn1>(), value, timestamp));
        }
    }

    public void ProcessElement2(TKey key, TIn2 value, long timestamp, IOperatorOutput<TOut> output)
    {
        if (Check(key, value, timestamp, output))
        {
            Add(key, timestamp, b => b.Right.Add(new TimestampedValue<TIn2>(value, timestamp)), () => output.CollectSide(OutputTags.LateDataRight<TIn2>(), value, timestamp));
        }
    }

    public void ProcessWatermark(long watermark, IOperatorOutput<TOut> output)
    {
        if (watermark <= CurrentWatermark)
        {
            return;
        }

        CurrentWatermark = watermark;
        if (_assigner.IsEventTime)
        {
            Fire(watermark, output);
        }
    }

    public void AdvanceProcessingTime(long nowMs, IOperatorOutput<TOut> output)
    {
        _lastProcessingTime = Math.Max(_lastProcessingTime, nowMs);
        if (!_assigner.IsEventTime)
        {
            Fire(nowMs, output);
        }
    }

    public void Snapshot(IBufferWriter<byte> writer)
    {
        var w = new StateWriter(writer);
        SnapshotFormat.WriteHeader(w, SnapshotFormat.WindowJoinOperator);
        w.WriteInt64(CurrentWatermark);
        w.WriteInt64(_lastProcessingTime);
        w.WriteInt64(LateRecordCount);
        w.WriteInt64(RejectedRecordCount);
        _timers.Snapshot(w, _keySerializer);
        w.WriteInt32(_windows.Count);
        foreach (var (key, buffers) in _windows)
        {
            _keySerializer.Write(w, key.Key);
            w.WriteInt64(key.Namespace.Start);
            w.WriteInt64(key.Namespace.End);
            _leftSerializer.Write(w, buffers.Left);
            _rightSerializer.Write(w, buffers.Right);
        }
    }

    public void Restore(ReadOnlySpan<byte> state)
    {
        var r = new StateReader(state);
        SnapshotFormat.ReadHeader(ref r, SnapshotFormat.WindowJoinOperator);
        CurrentWatermark = Watermark.Restored(r.ReadInt64());
        _lastProcessingTime = r.ReadInt64();
        LateRecordCount = r.ReadInt64();
        RejectedRecordCount = r.ReadInt64();
        _timers.Restore(ref r, _keySerializer);
        _windows.Clear();
        var count = r.ReadInt32();
        for (var i = 0; i < count; i++)
        {
            var key = _keySerializer.Read(ref r);
            var start = r.ReadInt64();
            var window = new TimeWindow(start, r.ReadInt64());
            var left = _leftSerializer.Read(ref r);
            _windows.Add(new StateKey<TKey>(key, window), new Buffers(left, _rightSerializer.Read(ref r)));
        }
    }

    private bool Check<T>(TKey key, T value, long timestamp, IOperatorOutput<TOut> output)
    {
        string? reason = key is null ? "The record has a null key."
            : _assigner.IsEventTime && !Timestamps.IsValid(timestamp) ? $"The record has no valid event timestamp ({timestamp})."
            : null;
        if (reason is null)
        {
            return true;
        }

        RejectedRecordCount++;
        output.CollectSide(OutputTags.Rejected<T>(), new RejectedRecord<T>(key?.ToString() ?? "null", value, timestamp, reason), timestamp);
        return false;
    }

    private void Add(TKey key, long timestamp, Action<Buffers> add, Action late)
    {
        _assigned.Clear();
        _assigner.AssignWindows(timestamp, _assigner.IsEventTime ? 0 : ProcessingTime, _assigned);
        var accepted = false;
        foreach (var window in _assigned)
        {
            if (_assigner.IsEventTime && window.MaxTimestamp <= CurrentWatermark)
            {
                continue;
            }

            accepted = true;
            var stateKey = new StateKey<TKey>(key, window);
            if (!_windows.TryGetValue(stateKey, out var buffers))
            {
                buffers = new Buffers([], []);
                _windows.Add(stateKey, buffers);
                _timers.Register(key, window, window.MaxTimestamp);
            }

            add(buffers);
        }

        if (!accepted)
        {
            LateRecordCount++;
            late();
        }
    }

    private void Fire(long upTo, IOperatorOutput<TOut> output)
    {
        while (_timers.TryDequeue(upTo, out var timer))
        {
            var stateKey = new StateKey<TKey>(timer.Key, timer.Namespace);
            if (!_windows.Remove(stateKey, out var buffers))
            {
                continue;
            }

            if (!IsolateFailures)
            {
                Join(buffers, timer.Namespace, output);
                continue;
            }

            // The window's pairs are held back until every one was joined; a failure emits only the failure.
            var held = _isolated ??= new IsolatedOutput<TOut>();
            try
            {
                Join(buffers, timer.Namespace, held);
                held.FlushTo(output);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                held.Discard();
                if (e is OperatorFailureException)
                {
                    throw; // a failure of the operator (restored state it cannot read, a chained stage's failed firing): a failover, not this firing's
                }

                output.CollectSide(FailureIsolation.Failed, new FiringFailure(timer.Key, $"window [{timer.Namespace.Start}, {timer.Namespace.End})", e), timer.Timestamp);
            }
        }
    }

    private void Join(Buffers buffers, TimeWindow window, IOperatorOutput<TOut> output)
    {
        foreach (var left in buffers.Left)
        {
            foreach (var right in buffers.Right)
            {
                output.Collect(_join(left.Value, right.Value), window.MaxTimestamp);
            }
        }
    }

    private sealed record Buffers(List<TimestampedValue<TIn1>> Left, List<TimestampedValue<TIn2>> Right);
}

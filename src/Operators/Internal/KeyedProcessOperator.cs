using System.Buffers;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Serialization;
using ActorFlow.Operators.State;

namespace ActorFlow.Operators.Internal;

/// <summary>Hosts a <see cref="KeyedProcessFunction{TKey,TIn,TOut}"/> for all keys of a key group.</summary>
internal sealed partial class KeyedProcessOperator<TKey, TIn, TOut> : IKeyedOperator<TKey, TIn, TOut>, IOperatorClock, IIsolatesFailures, IEndsProcessingTime<TOut>
    where TKey : notnull
{
    private readonly KeyedProcessFunction<TKey, TIn, TOut> _function;
    private readonly ITypeSerializer<TKey> _keySerializer;
    private readonly TimeProvider _clock;
    private readonly ProcessingTimeFloor _time;
    private readonly KeyedStateBackend<TKey> _state;
    private readonly TimerQueue<TKey> _eventTimers = new();
    private readonly TimerQueue<TKey> _processingTimers = new();
    private readonly ProcessContext _context;
    private IsolatedOutput<TOut>? _isolated;
    private long _lastProcessingTime = long.MinValue;

    public KeyedProcessOperator(KeyedProcessFunction<TKey, TIn, TOut> function, SerializerRegistry serializers, TimeProvider clock)
    {
        _function = function;
        _clock = clock;
        _keySerializer = serializers.Get<TKey>();
        _time = new ProcessingTimeFloor(clock, () => _lastProcessingTime);
        _state = new KeyedStateBackend<TKey>(_keySerializer, serializers, _time);
        _context = new ProcessContext(this);
        function.Open(_state.KeyScope);
    }

    public long CurrentWatermark { get; private set; } = long.MinValue;

    public long CurrentProcessingTime => _time.NowMs;

    /// <summary>The keyed state, for a broadcast input's <c>ApplyToKeyedState</c>.</summary>
    internal IKeyedStateStore KeyedState => _state.KeyScope;

    /// <summary>Runs <paramref name="visit"/> with each key that has state <paramref name="stateName"/> (registered through <see cref="KeyedState"/> before) as the current key.</summary>
    internal void ForEachKeyWith(string stateName, Action<TKey> visit)
    {
        var (hadKey, previous) = (_state.HasKey, _state.CurrentKey);
        try
        {
            foreach (var key in _state.KeysOf(stateName))
            {
                _state.CurrentKey = key;
                visit(key);
            }
        }
        finally
        {
            _state.RestoreKey(hadKey, previous);
        }
    }

    /// <summary>When the function says so and its clock is driven by the host (so a replay reads the same times).</summary>
    public bool ReplaysDeterministically => _clock is DrivenClock && _function.ReplaysDeterministically;

    public long? NextProcessingTimeTimer => _processingTimers.TryPeekTime(out var t) ? t : null;

    public long LateRecordCount => 0;

    public long RejectedRecordCount { get; private set; }

    /// <inheritdoc />
    public bool IsolateFailures { get; set; }

    public void ProcessElement(TKey key, TIn value, long timestamp, IOperatorOutput<TOut> output)
    {
        if (key is null)
        {
            RejectedRecordCount++;
            output.CollectSide(OutputTags.Rejected<TIn>(), new RejectedRecord<TIn>("null", value, timestamp, "The record has a null key."), timestamp);
            return;
        }

        _state.CurrentKey = key;
        _context.Bind(key, timestamp, output, TimeDomain.EventTime, firingTimer: false);
        _function.ProcessElement(value, _context, _context);
    }

    public void ProcessWatermark(long watermark, IOperatorOutput<TOut> output)
    {
        if (watermark <= CurrentWatermark)
        {
            return;
        }

        CurrentWatermark = watermark;
        if (watermark == Watermark.EndOfInput)
        {
            _eventTimers.Quiesced = true; // every event-time timer fires once (TimerQueue.Quiesced)
        }

        while (_eventTimers.TryDequeue(watermark, out var timer))
        {
            Fire(timer, TimeDomain.EventTime, output);
        }
    }

    public void AdvanceProcessingTime(long nowMs, IOperatorOutput<TOut> output)
    {
        if (nowMs > _lastProcessingTime)
        {
            _lastProcessingTime = nowMs;
        }

        while (_processingTimers.TryDequeue(nowMs, out var timer))
        {
            Fire(timer, TimeDomain.ProcessingTime, output);
        }
    }

    public void EndProcessingTime(IOperatorOutput<TOut> output)
    {
        _processingTimers.Quiesced = true;
        while (_processingTimers.TryDequeue(long.MaxValue, out var timer))
        {
            Fire(timer, TimeDomain.ProcessingTime, output);
        }
    }

    public void Snapshot(IBufferWriter<byte> writer)
    {
        var w = new StateWriter(writer);
        SnapshotFormat.WriteHeader(w, SnapshotFormat.KeyedProcessOperator);
        w.WriteInt64(CurrentWatermark);
        w.WriteInt64(_lastProcessingTime);
        w.WriteInt64(RejectedRecordCount);
        _eventTimers.Snapshot(w, _keySerializer);
        _processingTimers.Snapshot(w, _keySerializer);
        _state.Snapshot(w);
    }

    public void Restore(ReadOnlySpan<byte> state)
    {
        var r = new StateReader(state);
        var version = SnapshotFormat.ReadHeader(ref r, SnapshotFormat.KeyedProcessOperator);
        CurrentWatermark = Watermark.Restored(r.ReadInt64());
        _lastProcessingTime = r.ReadInt64();
        RejectedRecordCount = r.ReadInt64();
        _eventTimers.Restore(ref r, _keySerializer);
        _processingTimers.Restore(ref r, _keySerializer);
        _state.Restore(ref r, legacyLayout: version == 1);
    }

    private void Fire(TimerKey<TKey> timer, TimeDomain domain, IOperatorOutput<TOut> output)
    {
        _state.CurrentKey = timer.Key;
        if (!IsolateFailures)
        {
            _context.Bind(timer.Key, timer.Timestamp, output, domain, firingTimer: true);
            _function.OnTimer(timer.Timestamp, _context, _context);
            return;
        }

        // What the timer emits is held back until it has succeeded; a failure emits only the failure.
        var held = _isolated ??= new IsolatedOutput<TOut>();
        _context.Bind(timer.Key, timer.Timestamp, held, domain, firingTimer: true);
        try
        {
            _function.OnTimer(timer.Timestamp, _context, _context);
            held.FlushTo(output);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            held.Discard();
            if (e is OperatorFailureException)
            {
                throw; // a failure of the operator (restored state it cannot read, a chained stage's failed firing): a failover, not this firing's
            }

            output.CollectSide(FailureIsolation.Failed, new FiringFailure(timer.Key, $"{(domain == TimeDomain.EventTime ? "event-time" : "processing-time")} timer at {timer.Timestamp}", e), timer.Timestamp);
        }
    }

    private sealed class ProcessContext(KeyedProcessOperator<TKey, TIn, TOut> op)
        : KeyedProcessFunction<TKey, TIn, TOut>.OnTimerContext, ITimerService, ICollector<TOut>
    {
        private TKey _key = default!;
        private long _timestamp;
        private long _outputTimestamp;
        private IOperatorOutput<TOut> _output = null!;
        private TimeDomain _domain;
        private bool _firingTimer;

        // As Flink's OnTimerContext: a firing timer's time, whatever it is (long.MaxValue for the end-of-input flush idiom).
        // A record's timestamp only when it is a valid event time (null for Timestamps.NoTimestamp and long.MaxValue).
        public override long? Timestamp => _firingTimer || Timestamps.IsValid(_timestamp) ? _timestamp : null;

        public override TKey CurrentKey => _key;

        public override ITimerService TimerService => this;

        public override IKeyedStateStore State => op._state.KeyScope;

        public override TimeDomain TimeDomain => _domain;

        public long CurrentProcessingTime => op.CurrentProcessingTime;

        public long CurrentWatermark => op.CurrentWatermark;

        public void Bind(TKey key, long timestamp, IOperatorOutput<TOut> output, TimeDomain domain, bool firingTimer)
        {
            _key = key;
            _timestamp = timestamp;
            _firingTimer = firingTimer;

            // As Flink's KeyedProcessOperator: a processing-time timer's main output has no timestamp (its side outputs
            // and ctx.Timestamp carry the timer's time); an event-time timer's carries the timer's time, a record's its own.
            _outputTimestamp = domain == TimeDomain.ProcessingTime ? Timestamps.NoTimestamp : timestamp;
            _output = output;
            _domain = domain;
        }

        public override void Output<T>(OutputTag<T> tag, T value)
        {
            ArgumentNullException.ThrowIfNull(tag);
            _output.CollectSide(tag, value, _timestamp);
        }

        public void Collect(TOut value) => _output.Collect(value, _outputTimestamp);

        public void RegisterEventTimeTimer(long time) => op._eventTimers.Register(_key, StateNamespace.None, time);

        public void RegisterProcessingTimeTimer(long time) => op._processingTimers.Register(_key, StateNamespace.None, time);

        public void DeleteEventTimeTimer(long time) => op._eventTimers.Delete(_key, StateNamespace.None, time);

        public void DeleteProcessingTimeTimer(long time) => op._processingTimers.Delete(_key, StateNamespace.None, time);
    }
}

using System.Buffers;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Serialization;
using ActorFlow.Operators.State;

namespace ActorFlow.Operators.Internal;

/// <summary>
/// Hosts a <see cref="KeyedBroadcastProcessFunction{TKey,TIn,TBroadcast,TOut}"/>: keyed records through a
/// <see cref="KeyedProcessOperator{TKey,TIn,TOut}"/> (keyed state, timers, failure isolation), broadcast records
/// straight to the function, and the broadcast state (maps by name) in the snapshot next to the keyed operator's.
/// </summary>
internal sealed partial class KeyedBroadcastProcessOperator<TKey, TIn, TBroadcast, TOut> : ITwoInputKeyedOperator<TKey, TIn, TBroadcast, TOut>, IIsolatesFailures, IEmitsBroadcastOutputOnce, IEndsProcessingTime<TOut>
    where TKey : notnull
{
    private readonly KeyedProcessOperator<TKey, TIn, TOut> _inner;
    private readonly KeyedBroadcastProcessFunction<TKey, TIn, TBroadcast, TOut> _function;
    private readonly BroadcastStates _states;
    private readonly BroadcastContext _broadcast;

    public KeyedBroadcastProcessOperator(
        KeyedBroadcastProcessFunction<TKey, TIn, TBroadcast, TOut> function, SerializerRegistry serializers, TimeProvider clock, IReadOnlyDictionary<string, StateDescriptor>? declared = null)
    {
        _function = function;
        _states = new BroadcastStates(serializers, declared);
        _broadcast = new BroadcastContext(this);
        _inner = new KeyedProcessOperator<TKey, TIn, TOut>(new Adapter(function, _states), serializers, clock);
    }

    public long CurrentWatermark => _inner.CurrentWatermark;

    public long? NextProcessingTimeTimer => _inner.NextProcessingTimeTimer;

    public long LateRecordCount => _inner.LateRecordCount;

    public long RejectedRecordCount => _inner.RejectedRecordCount;

    public bool ReplaysDeterministically => _inner.ReplaysDeterministically;

    public bool IsolateFailures
    {
        get => _inner.IsolateFailures;
        set => _inner.IsolateFailures = value;
    }

    public bool EmitsBroadcastOutput { get; set; } = true;

    public (object Key, Exception Error)? ApplyFailure { get; private set; }

    public void ProcessElement1(TKey key, TIn value, long timestamp, IOperatorOutput<TOut> output) => _inner.ProcessElement(key, value, timestamp, output);

    /// <summary>A broadcast record: the key it arrives with means nothing.</summary>
    public void ProcessElement2(TKey key, TBroadcast value, long timestamp, IOperatorOutput<TOut> output)
    {
        ApplyFailure = null;
        _broadcast.Bind(timestamp, output);
        _function.ProcessBroadcastElement(value, _broadcast, _broadcast);
    }

    public void ProcessWatermark(long watermark, IOperatorOutput<TOut> output) => _inner.ProcessWatermark(watermark, output);

    public void AdvanceProcessingTime(long nowMs, IOperatorOutput<TOut> output) => _inner.AdvanceProcessingTime(nowMs, output);

    public void EndProcessingTime(IOperatorOutput<TOut> output) => _inner.EndProcessingTime(output);

    public void Snapshot(IBufferWriter<byte> writer)
    {
        var w = new StateWriter(writer);
        SnapshotFormat.WriteHeader(w, SnapshotFormat.KeyedBroadcastProcessOperator);
        w.WriteBytes(_inner.SnapshotToArray());
        _states.Snapshot(w);
    }

    public void Restore(ReadOnlySpan<byte> state)
    {
        var r = new StateReader(state);
        SnapshotFormat.ReadHeader(ref r, SnapshotFormat.KeyedBroadcastProcessOperator);
        _inner.Restore(r.ReadBytes() ?? throw new InvalidDataException("The snapshot has no keyed state."));
        _states.Restore(ref r);
    }

    /// <summary>
    /// The broadcast state: maps by descriptor name; restored bytes are read when a descriptor first names them. With
    /// <paramref name="declared"/> descriptors (Flink's <c>broadcast(descriptors)</c>), only those names are states.
    /// </summary>
    private sealed class BroadcastStates(SerializerRegistry serializers, IReadOnlyDictionary<string, StateDescriptor>? declared)
    {
        private readonly Dictionary<string, (object Map, Action<StateWriter> Write)> _maps = new(StringComparer.Ordinal);
        private readonly Dictionary<string, byte[]> _restored = new(StringComparer.Ordinal);

        public Dictionary<TMapKey, TValue> Get<TMapKey, TValue>(MapStateDescriptor<TMapKey, TValue> descriptor)
            where TMapKey : notnull
        {
            ArgumentNullException.ThrowIfNull(descriptor);
            if (declared is not null)
            {
                if (!declared.TryGetValue(descriptor.Name, out var given))
                {
                    throw new ArgumentException(
                        $"The requested broadcast state '{descriptor.Name}' does not exist (declared: {string.Join(", ", declared.Keys.Select(n => $"'{n}'"))}). "
                        + "Check for typos in the state descriptor, or declare it in the stream's Broadcast(...) call.", nameof(descriptor));
                }

                if (given.GetType() != descriptor.GetType())
                {
                    throw new ArgumentException(
                        $"Broadcast state '{descriptor.Name}' was declared as a map of {Describe(given.GetType())}, not of {Describe(descriptor.GetType())}.", nameof(descriptor));
                }
            }

            if (_maps.TryGetValue(descriptor.Name, out var known))
            {
                return known.Map as Dictionary<TMapKey, TValue> ?? throw new InvalidOperationException(
                    $"Broadcast state '{descriptor.Name}' holds a {known.Map.GetType().Name}, not a map of {typeof(TMapKey).Name} to {typeof(TValue).Name}.");
            }

            var keys = descriptor.KeySerializer ?? serializers.Get<TMapKey>();
            var values = descriptor.ValueSerializer ?? serializers.Get<TValue>();
            var map = new Dictionary<TMapKey, TValue>();
            if (_restored.TryGetValue(descriptor.Name, out var bytes))
            {
                // A failure keeps it as restored: the job's earlier version still reads it.
                var r = new StateReader(bytes);
                try
                {
                    for (var n = r.ReadInt32(); n > 0; n--)
                    {
                        var key = keys.Read(ref r);
                        map[key] = values.Read(ref r);
                    }
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    throw new IncompatibleStateException(
                        $"Broadcast state '{descriptor.Name}': its restored entries cannot be read by this version's serializers ({e.GetType().Name}: {e.Message}): its key or value type changed since the snapshot. Use serializers that read the old bytes, or give the new state another name.",
                        e);
                }

                if (r.Remaining != 0)
                {
                    throw new IncompatibleStateException(
                        $"Broadcast state '{descriptor.Name}': its snapshot of {bytes.Length} bytes was read using only {bytes.Length - r.Remaining} of them: its key or value type changed since the snapshot. Use serializers that read the old bytes, or give the new state another name.");
                }

                _restored.Remove(descriptor.Name);
            }

            _maps[descriptor.Name] = (map, w =>
            {
                w.WriteInt32(map.Count);
                foreach (var (key, value) in map)
                {
                    keys.Write(w, key);
                    values.Write(w, value);
                }
            }
            );
            return map;
        }

        private static string Describe(Type descriptorType) =>
            string.Join(" to ", descriptorType.GetGenericArguments().Select(t => t.Name));

        public void Snapshot(StateWriter w)
        {
            w.WriteInt32(_maps.Count + _restored.Count);
            foreach (var (name, (_, write)) in _maps)
            {
                var buffer = new ArrayBufferWriter<byte>();
                write(new StateWriter(buffer));
                w.WriteString(name);
                w.WriteBytes(buffer.WrittenSpan.ToArray());
            }

            foreach (var (name, bytes) in _restored)
            {
                w.WriteString(name); // not read since the restore: kept as it was
                w.WriteBytes(bytes);
            }
        }

        public void Restore(ref StateReader r)
        {
            _maps.Clear();
            _restored.Clear();
            for (var n = r.ReadInt32(); n > 0; n--)
            {
                var name = r.ReadString() ?? throw new InvalidDataException("A broadcast state has no name.");
                _restored[name] = r.ReadBytes() ?? [];
            }
        }
    }

    private sealed class Adapter(KeyedBroadcastProcessFunction<TKey, TIn, TBroadcast, TOut> function, BroadcastStates states) : KeyedProcessFunction<TKey, TIn, TOut>
    {
        private readonly KeyedContext _context = new(states);

        public override bool ReplaysDeterministically => function.ReplaysDeterministically;

        public override void Open(IKeyedStateStore state) => function.Open(state);

        public override void ProcessElement(TIn value, Context context, ICollector<TOut> output)
        {
            _context.Inner = context;
            function.ProcessElement(value, _context, output);
        }

        public override void OnTimer(long timestamp, OnTimerContext context, ICollector<TOut> output)
        {
            _context.Inner = context;
            function.OnTimer(timestamp, _context, output);
        }
    }

    /// <summary>The keyed side's context: the hosting operator's, plus the broadcast state read-only.</summary>
    private sealed class KeyedContext(BroadcastStates states) : KeyedBroadcastProcessFunction<TKey, TIn, TBroadcast, TOut>.OnTimerContext
    {
        public KeyedProcessFunction<TKey, TIn, TOut>.Context Inner { get; set; } = null!;

        public override long? Timestamp => Inner.Timestamp;

        public override TKey CurrentKey => Inner.CurrentKey;

        public override ITimerService TimerService => Inner.TimerService;

        public override IKeyedStateStore State => Inner.State;

        public override TimeDomain TimeDomain => Inner is KeyedProcessFunction<TKey, TIn, TOut>.OnTimerContext timer ? timer.TimeDomain : TimeDomain.EventTime;

        public override IReadOnlyDictionary<TMapKey, TValue> GetBroadcastState<TMapKey, TValue>(MapStateDescriptor<TMapKey, TValue> descriptor) => states.Get(descriptor);

        public override void Output<T>(OutputTag<T> tag, T value) => Inner.Output(tag, value);
    }

    /// <summary>The broadcast side's context and collector (one instance, rebound per record).</summary>
    private sealed class BroadcastContext(KeyedBroadcastProcessOperator<TKey, TIn, TBroadcast, TOut> op)
        : KeyedBroadcastProcessFunction<TKey, TIn, TBroadcast, TOut>.Context, ICollector<TOut>
    {
        private long _timestamp;
        private IOperatorOutput<TOut> _output = null!;
        private int _inKeys; // > 0 while ApplyToKeyedState visits this key group's keys: their output always comes out

        public override long? Timestamp => Timestamps.IsValid(_timestamp) ? _timestamp : null;

        public override long CurrentWatermark => op.CurrentWatermark;

        public override long CurrentProcessingTime => op._inner.CurrentProcessingTime;

        public override void ApplyToKeyedState<T>(ValueStateDescriptor<T> descriptor, Action<TKey, IValueState<T>> function) =>
            Apply(descriptor, function, op._inner.KeyedState.GetState(descriptor));

        public override void ApplyToKeyedState<T>(ListStateDescriptor<T> descriptor, Action<TKey, IListState<T>> function) =>
            Apply(descriptor, function, op._inner.KeyedState.GetListState(descriptor));

        public override void ApplyToKeyedState<TMapKey, TValue>(MapStateDescriptor<TMapKey, TValue> descriptor, Action<TKey, IMapState<TMapKey, TValue>> function) =>
            Apply(descriptor, function, op._inner.KeyedState.GetMapState(descriptor));

        public void Bind(long timestamp, IOperatorOutput<TOut> output)
        {
            _timestamp = timestamp;
            _output = output;
        }

        public override IDictionary<TMapKey, TValue> GetBroadcastState<TMapKey, TValue>(MapStateDescriptor<TMapKey, TValue> descriptor) => op._states.Get(descriptor);

        public override void Output<T>(OutputTag<T> tag, T value)
        {
            ArgumentNullException.ThrowIfNull(tag);
            if (Emits)
            {
                _output.CollectSide(tag, value, _timestamp);
            }
        }

        public void Collect(TOut value)
        {
            if (Emits)
            {
                _output.Collect(value, _timestamp);
            }
        }

        // Outside ApplyToKeyedState, only the key group that emits the broadcast record's output does (see IEmitsBroadcastOutputOnce).
        private bool Emits => _inKeys > 0 || op.EmitsBroadcastOutput;

        private bool Failed(TKey key, Exception error)
        {
            op.ApplyFailure = (key, error);
            return false;
        }

        private void Apply<TState>(StateDescriptor descriptor, Action<TKey, TState> function, TState state)
        {
            ArgumentNullException.ThrowIfNull(function);
            _inKeys++;
            try
            {
                op._inner.ForEachKeyWith(descriptor.Name, key =>
                {
                    try
                    {
                        function(key, state);
                    }
                    catch (Exception e) when (Failed(key, e))
                    {
                        throw; // never: the filter only notes the key, the exception goes on as it is
                    }
                });
            }
            finally
            {
                _inKeys--;
            }
        }
    }
}

/// <summary>
/// INTERNAL API. An operator whose broadcast input every key group of its stage applies: what its function emits for a
/// broadcast record outside the key group's own keys (Flink's <c>applyToKeyedState</c>) must come out once per record,
/// not once per key group. The runtime sets <see cref="EmitsBroadcastOutput"/> when it hosts the operator: true in the
/// hop's first key group only. True by default (an operator alone, as in the operator harness).
/// </summary>
internal interface IEmitsBroadcastOutputOnce
{
    bool EmitsBroadcastOutput { get; set; }

    /// <summary>
    /// The key whose <c>ApplyToKeyedState</c> visit threw while the last broadcast record was processed, with what it
    /// threw (null: none did). Such a failure is the key group's own when that exception is the one the record failed
    /// with (the function may have caught it); one outside the keys every key group meets alike.
    /// </summary>
    (object Key, Exception Error)? ApplyFailure { get; }
}

using System.Buffers;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Serialization;
using ActorFlow.Operators.State;

namespace ActorFlow.Operators.Internal;

/// <summary>A record of either input of a two-input function, as one input of the one-input operator that hosts it.</summary>
internal readonly record struct CoInput<TIn1, TIn2>(bool IsSecond, TIn1 First, TIn2 Second);

/// <summary>
/// Hosts a <see cref="KeyedCoProcessFunction{TKey,TIn1,TIn2,TOut}"/>: a <see cref="KeyedProcessOperator{TKey,TIn,TOut}"/>
/// over the records of both inputs (keyed state, timers, snapshots and failure isolation are that operator's).
/// </summary>
internal sealed partial class KeyedCoProcessOperator<TKey, TIn1, TIn2, TOut> : ITwoInputKeyedOperator<TKey, TIn1, TIn2, TOut>, IIsolatesFailures, IEndsProcessingTime<TOut>
    where TKey : notnull
{
    private readonly KeyedProcessOperator<TKey, CoInput<TIn1, TIn2>, TOut> _inner;

    public KeyedCoProcessOperator(KeyedCoProcessFunction<TKey, TIn1, TIn2, TOut> function, SerializerRegistry serializers, TimeProvider clock) =>
        _inner = new KeyedProcessOperator<TKey, CoInput<TIn1, TIn2>, TOut>(new Adapter(function), serializers, clock);

    public long CurrentWatermark => _inner.CurrentWatermark;

    public long? NextProcessingTimeTimer => _inner.NextProcessingTimeTimer;

    public long LateRecordCount => _inner.LateRecordCount;

    public long RejectedRecordCount => _inner.RejectedRecordCount + _rejected;

    // Null-keyed records, refused here so that each input's go to its own Rejected tag (the inner operator's would be of
    // the internal CoInput type, which no OutputTags.Rejected<T> a user can write names).
    private long _rejected;

    public bool ReplaysDeterministically => _inner.ReplaysDeterministically;

    public bool IsolateFailures
    {
        get => _inner.IsolateFailures;
        set => _inner.IsolateFailures = value;
    }

    public void ProcessElement1(TKey key, TIn1 value, long timestamp, IOperatorOutput<TOut> output)
    {
        if (key is null)
        {
            Reject(value, timestamp, output);
            return;
        }

        _inner.ProcessElement(key, new CoInput<TIn1, TIn2>(false, value, default!), timestamp, output);
    }

    public void ProcessElement2(TKey key, TIn2 value, long timestamp, IOperatorOutput<TOut> output)
    {
        if (key is null)
        {
            Reject(value, timestamp, output);
            return;
        }

        _inner.ProcessElement(key, new CoInput<TIn1, TIn2>(true, default!, value), timestamp, output);
    }

    private void Reject<T>(T value, long timestamp, IOperatorOutput<TOut> output)
    {
        _rejected++;
        output.CollectSide(OutputTags.Rejected<T>(), new RejectedRecord<T>("null", value, timestamp, "The record has a null key."), timestamp);
    }

    public void ProcessWatermark(long watermark, IOperatorOutput<TOut> output) => _inner.ProcessWatermark(watermark, output);

    public void AdvanceProcessingTime(long nowMs, IOperatorOutput<TOut> output) => _inner.AdvanceProcessingTime(nowMs, output);

    public void EndProcessingTime(IOperatorOutput<TOut> output) => _inner.EndProcessingTime(output);

    public void Snapshot(IBufferWriter<byte> writer) => _inner.Snapshot(writer);

    public void Restore(ReadOnlySpan<byte> state) => _inner.Restore(state);

    private sealed class Adapter(KeyedCoProcessFunction<TKey, TIn1, TIn2, TOut> function) : KeyedProcessFunction<TKey, CoInput<TIn1, TIn2>, TOut>
    {
        private readonly CoContext _context = new();

        public override bool ReplaysDeterministically => function.ReplaysDeterministically;

        public override void Open(IKeyedStateStore state) => function.Open(state);

        public override void ProcessElement(CoInput<TIn1, TIn2> value, Context context, ICollector<TOut> output)
        {
            _context.Inner = context;
            if (value.IsSecond)
            {
                function.ProcessElement2(value.Second, _context, output);
            }
            else
            {
                function.ProcessElement1(value.First, _context, output);
            }
        }

        public override void OnTimer(long timestamp, OnTimerContext context, ICollector<TOut> output)
        {
            _context.Inner = context;
            function.OnTimer(timestamp, _context, output);
        }
    }

    /// <summary>The two-input function's view of the hosting operator's context (one instance, rebound per call).</summary>
    private sealed class CoContext : KeyedCoProcessFunction<TKey, TIn1, TIn2, TOut>.OnTimerContext
    {
        public KeyedProcessFunction<TKey, CoInput<TIn1, TIn2>, TOut>.Context Inner { get; set; } = null!;

        public override long? Timestamp => Inner.Timestamp;

        public override TKey CurrentKey => Inner.CurrentKey;

        public override ITimerService TimerService => Inner.TimerService;

        public override IKeyedStateStore State => Inner.State;

        public override TimeDomain TimeDomain => Inner is KeyedProcessFunction<TKey, CoInput<TIn1, TIn2>, TOut>.OnTimerContext timer ? timer.TimeDomain : TimeDomain.EventTime;

        public override void Output<T>(OutputTag<T> tag, T value) => Inner.Output(tag, value);
    }
}

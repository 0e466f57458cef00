using System.Buffers;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Serialization;
using ActorFlow.Operators.Windowing;

namespace ActorFlow.Operators.Internal;

/// <summary>
/// Flink's interval join: a first-input record at <c>t</c> joins every second-input record of the same key
/// with timestamp in [t + lower, t + upper]; results carry the larger timestamp. Records are buffered until
/// the watermark passes the last time they can still join; records behind the watermark are late.
/// </summary>
internal sealed class IntervalJoinOperator<TKey, TIn1, TIn2, TOut> : ITwoInputKeyedOperator<TKey, TIn1, TIn2, TOut>, IOperatorInspection<TKey>, IUsesEventTime
    where TKey : notnull
{
    private static readonly TimeWindow LeftSide = new(0, 0);
    private static readonly TimeWindow RightSide = new(1, 1);

    private readonly long _lower;
    private readonly long _upper;
    private readonly ProcessJoinFunction<TIn1, TIn2, TOut> _join;
    private readonly PairContext _pair = new();
    private readonly ITypeSerializer<TKey> _keySerializer;
    private readonly ITypeSerializer<List<TimestampedValue<TIn1>>> _leftSerializer;
    private readonly ITypeSerializer<List<TimestampedValue<TIn2>>> _rightSerializer;
    private readonly Dictionary<TKey, List<TimestampedValue<TIn1>>> _left = new();
    private readonly Dictionary<TKey, List<TimestampedValue<TIn2>>> _right = new();
    private readonly TimerQueue<TKey> _timers = new();

    /// <inheritdoc/>
    public string? EventTimeUse => "an interval join, which drops its buffered records when the watermark passes them (without one its state grows without end)";

    public IntervalJoinOperator(long lower, long upper, ProcessJoinFunction<TIn1, TIn2, TOut> join, SerializerRegistry serializers)
    {
        _lower = lower;
        _upper = upper;
        _join = join;
        _keySerializer = serializers.Get<TKey>();
        _leftSerializer = BufferSerializer(serializers.Get<TIn1>());
        _rightSerializer = BufferSerializer(serializers.Get<TIn2>());
    }

    public long CurrentWatermark { get; private set; } = long.MinValue;

    public long? NextProcessingTimeTimer => null;

    public long LateRecordCount { get; private set; }

    public int EventTimeTimerCount => _timers.Count;

    public int ProcessingTimeTimerCount => 0;

    /// <summary>Gets one entry per key and side with records buffered (Flink's two buffer map states).</summary>
    public int KeyedStateEntryCount => _left.Count + _right.Count;

    public TimeProvider? ProcessingClock => null;

    /// <inheritdoc/>
    public long LastProcessingTime => long.MinValue;

    public IReadOnlyList<long> EventTimeTimersOf(TKey key) => _timers.TimesOf(key);

    public IReadOnlyList<long> ProcessingTimeTimersOf(TKey key) => [];

    public long RejectedRecordCount { get; private set; }

    /// <summary>Gets the timestamps buffered for <paramref name="key"/> on one side, in arrival order (for tests).</summary>
    /// <param name="key">The key.</param>
    /// <param name="left">The first input's buffer rather than the second's.</param>
    /// <returns>The timestamps.</returns>
    internal IReadOnlyList<long> BufferedTimestamps(TKey key, bool left) =>
        left
            ? (_left.TryGetValue(key, out var l) ? l.ConvertAll(v => v.Timestamp) : [])
            : (_right.TryGetValue(key, out var r) ? r.ConvertAll(v => v.Timestamp) : []);

    public static ITypeSerializer<List<TimestampedValue<T>>> BufferSerializer<T>(ITypeSerializer<T> element) =>
        Serializers.List(Serializers.Create<TimestampedValue<T>>(
            (w, v) =>
            {
                w.WriteInt64(v.Timestamp);
                element.Write(w, v.Value);
            },
            (ref StateReader r) =>
            {
                var ts = r.ReadInt64();
                return new TimestampedValue<T>(element.Read(ref r), ts);
            }));

    public void ProcessElement1(TKey key, TIn1 value, long timestamp, IOperatorOutput<TOut> output)
    {
        if (!Accept(key, value, timestamp, OutputTags.LateData<TIn1>(), output))
        {
            return;
        }

        Buffer(_left, key).Add(new TimestampedValue<TIn1>(value, timestamp));
        if (_right.TryGetValue(key, out var rights))
        {
            foreach (var right in rights)
            {
                if (right.Timestamp >= Plus(timestamp, _lower) && right.Timestamp <= Plus(timestamp, _upper))
                {
                    Join(value, timestamp, right.Value, right.Timestamp, output);
                }
            }
        }

        _timers.Register(key, LeftSide, _upper > 0 ? Plus(timestamp, _upper) : timestamp);
    }

    public void ProcessElement2(TKey key, TIn2 value, long timestamp, IOperatorOutput<TOut> output)
    {
        if (!Accept(key, value, timestamp, OutputTags.LateDataRight<TIn2>(), output))
        {
            return;
        }

        Buffer(_right, key).Add(new TimestampedValue<TIn2>(value, timestamp));
        if (_left.TryGetValue(key, out var lefts))
        {
            foreach (var left in lefts)
            {
                if (timestamp >= Plus(left.Timestamp, _lower) && timestamp <= Plus(left.Timestamp, _upper))
                {
                    Join(left.Value, left.Timestamp, value, timestamp, output);
                }
            }
        }

        _timers.Register(key, RightSide, _lower < 0 ? Plus(timestamp, -_lower) : timestamp);
    }

    private void Join(TIn1 left, long leftTimestamp, TIn2 right, long rightTimestamp, IOperatorOutput<TOut> output)
    {
        _pair.Bind(leftTimestamp, rightTimestamp, output);
        try
        {
            _join.ProcessElement(left, right, _pair, _pair);
        }
        finally
        {
            _pair.Bind(0, 0, null);
        }
    }

    public void ProcessWatermark(long watermark, IOperatorOutput<TOut> output)
    {
        if (watermark <= CurrentWatermark)
        {
            return;
        }

        CurrentWatermark = watermark;
        while (_timers.TryDequeue(watermark, out var timer))
        {
            if (timer.Namespace == LeftSide)
            {
                Expire(_left, timer.Key, ts => (_upper > 0 ? Plus(ts, _upper) : ts) <= timer.Timestamp);
            }
            else
            {
                Expire(_right, timer.Key, ts => (_lower < 0 ? Plus(ts, -_lower) : ts) <= timer.Timestamp);
            }
        }
    }

    public void AdvanceProcessingTime(long nowMs, IOperatorOutput<TOut> output)
    {
    }

    public void Snapshot(IBufferWriter<byte> writer)
    {
        var w = new StateWriter(writer);
        SnapshotFormat.WriteHeader(w, SnapshotFormat.IntervalJoinOperator);
        w.WriteInt64(CurrentWatermark);
        w.WriteInt64(LateRecordCount);
        w.WriteInt64(RejectedRecordCount);
        _timers.Snapshot(w, _keySerializer);
        WriteBuffers(w, _left, _leftSerializer);
        WriteBuffers(w, _right, _rightSerializer);
    }

    public void Restore(ReadOnlySpan<byte> state)
    {
        var r = new StateReader(state);
        SnapshotFormat.ReadHeader(ref r, SnapshotFormat.IntervalJoinOperator);
        CurrentWatermark = Watermark.Restored(r.ReadInt64());
        LateRecordCount = r.ReadInt64();
        RejectedRecordCount = r.ReadInt64();
        _timers.Restore(ref r, _keySerializer);
        ReadBuffers(ref r, _left, _leftSerializer);
        ReadBuffers(ref r, _right, _rightSerializer);
    }

    private static List<TimestampedValue<T>> Buffer<T>(Dictionary<TKey, List<TimestampedValue<T>>> buffers, TKey key)
    {
        if (!buffers.TryGetValue(key, out var list))
        {
            list = [];
            buffers.Add(key, list);
        }

        return list;
    }

    private static void Expire<T>(Dictionary<TKey, List<TimestampedValue<T>>> buffers, TKey key, Predicate<long> expired)
    {
        if (buffers.TryGetValue(key, out var list))
        {
            list.RemoveAll(v => expired(v.Timestamp));
            if (list.Count == 0)
            {
                buffers.Remove(key);
            }
        }
    }

    /// <summary>
    /// <paramref name="timestamp"/> + <paramref name="offset"/>, held at <see cref="long.MinValue"/> or
    /// <see cref="long.MaxValue"/> instead of wrapping (a bound past the end of time: every later timestamp is within it,
    /// and the record's cleanup waits for the end-of-input watermark). Flink adds without a check, so a record near either
    /// end wraps there: it misses its pairs and its cleanup timer fires at once.
    /// </summary>
    private static long Plus(long timestamp, long offset)
    {
        var sum = unchecked(timestamp + offset);
        return ((timestamp ^ sum) & (offset ^ sum)) < 0 ? (offset > 0 ? long.MaxValue : long.MinValue) : sum;
    }

    private bool Accept<T>(TKey key, T value, long timestamp, OutputTag<T> lateTag, IOperatorOutput<TOut> output)
    {
        if (key is null || !Timestamps.IsValid(timestamp))
        {
            RejectedRecordCount++;
            var reason = key is null ? "The record has a null key." : $"The record has no valid event timestamp ({timestamp}).";
            output.CollectSide(OutputTags.Rejected<T>(), new RejectedRecord<T>(key?.ToString() ?? "null", value, timestamp, reason), timestamp);
            return false;
        }

        if (CurrentWatermark != long.MinValue && timestamp < CurrentWatermark)
        {
            LateRecordCount++;
            output.CollectSide(lateTag, value, timestamp);
            return false;
        }

        return true;
    }

    private void WriteBuffers<T>(StateWriter w, Dictionary<TKey, List<TimestampedValue<T>>> buffers, ITypeSerializer<List<TimestampedValue<T>>> serializer)
    {
        w.WriteInt32(buffers.Count);
        foreach (var (key, list) in buffers)
        {
            _keySerializer.Write(w, key);
            serializer.Write(w, list);
        }
    }

    private void ReadBuffers<T>(ref StateReader r, Dictionary<TKey, List<TimestampedValue<T>>> buffers, ITypeSerializer<List<TimestampedValue<T>>> serializer)
    {
        buffers.Clear();
        var count = r.ReadInt32();
        for (var i = 0; i < count; i++)
        {
            var key = _keySerializer.Read(ref r);
            buffers.Add(key, serializer.Read(ref r));
        }
    }

    /// <summary>A pair's context and collector: results and side outputs at the larger timestamp.</summary>
    private sealed class PairContext : ProcessJoinFunction<TIn1, TIn2, TOut>.Context, ICollector<TOut>
    {
        private IOperatorOutput<TOut>? _output;

        public override long LeftTimestamp => _left;

        public override long RightTimestamp => _right;

        public override long Timestamp => Math.Max(_left, _right);

        private long _left;

        private long _right;

        public void Bind(long left, long right, IOperatorOutput<TOut>? output)
        {
            _left = left;
            _right = right;
            _output = output;
        }

        public void Collect(TOut value) => Output().Collect(value, Timestamp);

        public override void Output<T>(OutputTag<T> tag, T value)
        {
            ArgumentNullException.ThrowIfNull(tag);
            Output().CollectSide(tag, value, Timestamp);
        }

        private IOperatorOutput<TOut> Output() =>
            _output ?? throw new InvalidOperationException("An interval join's collector is used outside ProcessElement.");
    }
}

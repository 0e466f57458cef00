using ActorFlow.Operators;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Serialization;
using ActorFlow.Operators.State;

namespace ActorFlow.Benchmarks.Runtime;

/// <summary>A window count of one key: the first stage's output in the graph jobs.</summary>
/// <param name="Key">The record key.</param>
/// <param name="Start">The window's start (epoch ms).</param>
/// <param name="Count">Records of the key in the window.</param>
public sealed record WindowCount(long Key, long Start, long Count);

/// <summary>The top keys of one window and the sum of every key's count in it (the two-stage job's output).</summary>
/// <param name="Start">The window's start (epoch ms).</param>
/// <param name="Total">The sum of the window's counts (so the sink knows when every record is accounted for).</param>
/// <param name="Top">The largest counts, packed as count × 2³² + key, largest first.</param>
public sealed record WindowTop(long Start, long Total, IReadOnlyList<long> Top);

/// <summary>
/// The second stage of the two-stage job (Nexmark q5's shape), keyed by window start: adds each key's count to the
/// window's total, keeps the <paramref name="n"/> largest, and emits them when the watermark passes the window.
/// </summary>
public sealed class TopPerWindow(int n) : KeyedProcessFunction<long, WindowCount, WindowTop>
{
    private IValueState<long> _total = null!;
    private IListState<long> _top = null!;

    /// <inheritdoc />
    public override bool ReplaysDeterministically => true;

    /// <inheritdoc />
    public override void Open(IKeyedStateStore state)
    {
        _total = state.GetState(new ValueStateDescriptor<long>("total"));
        _top = state.GetListState(new ListStateDescriptor<long>("top"));
    }

    /// <inheritdoc />
    public override void ProcessElement(WindowCount value, Context context, ICollector<WindowTop> output)
    {
        _total.Update(_total.Value + value.Count);
        var packed = (value.Count << 32) + value.Key;
        var top = _top.Get();
        if (top.Count < n || packed > top[^1])
        {
            var next = new List<long>(top.Count + 1);
            next.AddRange(top);
            next.Add(packed);
            next.Sort((a, b) => b.CompareTo(a));
            if (next.Count > n)
            {
                next.RemoveAt(n);
            }

            _top.Update(next);
        }

        context.TimerService.RegisterEventTimeTimer(context.Timestamp!.Value);
    }

    /// <inheritdoc />
    public override void OnTimer(long timestamp, OnTimerContext context, ICollector<WindowTop> output)
    {
        output.Collect(new WindowTop(context.CurrentKey, _total.Value, [.. _top.Get()]));
        _total.Clear();
        _top.Clear();
    }
}

/// <summary>The first of two chained operators: passes every record on under its key (the chained link's cost alone).</summary>
public sealed class PassOn : KeyedProcessFunction<long, BenchEvent, BenchEvent>
{
    /// <inheritdoc />
    public override bool ReplaysDeterministically => true;

    /// <inheritdoc />
    public override void Open(IKeyedStateStore state)
    {
    }

    /// <inheritdoc />
    public override void ProcessElement(BenchEvent value, Context context, ICollector<BenchEvent> output) => output.Collect(value);
}

/// <summary>Serializers of the benchmark records, for the join's state and the hop between stages.</summary>
public static class BenchSerializers
{
    /// <summary>A registry with <see cref="BenchEvent"/> and <see cref="WindowCount"/>.</summary>
    public static SerializerRegistry Registry() => new SerializerRegistry()
        .Register(Serializers.Create<BenchEvent>((w, e) =>
        {
            w.WriteInt64(e.Key);
            w.WriteInt64(e.Produced);
        }, (ref StateReader r) => new BenchEvent(r.ReadInt64(), r.ReadInt64())))
        .Register(Serializers.Create<WindowCount>((w, c) =>
        {
            w.WriteInt64(c.Key);
            w.WriteInt64(c.Start);
            w.WriteInt64(c.Count);
        }, (ref StateReader r) => new WindowCount(r.ReadInt64(), r.ReadInt64(), r.ReadInt64())));

    /// <summary>
    /// The pairs a window join of two topics filled alike (<see cref="InputTopic.Fill"/> with the same arguments)
    /// emits: for every key and window, the square of the key's records in that window.
    /// </summary>
    public static long JoinPairs(int records, int keys, int eventTimeStepMicros, long windowMs)
    {
        var counts = new Dictionary<(long Key, long Window), long>();
        for (var i = 0; i < records; i++)
        {
            var key = (i * 2_654_435_761L) % keys;
            var window = (InputTopic.BaseTime + (i * (long)eventTimeStepMicros / 1000)) / windowMs;
            counts[(key, window)] = counts.GetValueOrDefault((key, window)) + 1;
        }

        return counts.Values.Sum(c => c * c);
    }
}

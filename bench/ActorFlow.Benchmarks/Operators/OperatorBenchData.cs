using ActorFlow.Operators;
using ActorFlow.Operators.Functions;

namespace ActorFlow.Benchmarks.Operators;

/// <summary>
/// Pre-generated in-memory input: 10,000 long keys, 1,000,000 records per invocation, event time advancing
/// 1 ms every 50 records (20 s of event time per invocation, ~100 records per key per 10 s window) with up
/// to 200 ms of disorder, and a watermark (max timestamp − 1 s) every 1,000 records. Each invocation
/// continues in time where the previous stopped, so the operator is measured in steady state.
/// </summary>
internal sealed class OperatorBenchData
{
    public const int Keys = 10_000;
    public const int RecordsPerInvocation = 1_000_000;
    public const int WatermarkEvery = 1_000;
    public const long SpanMs = RecordsPerInvocation / 50;

    public OperatorBenchData()
    {
        var random = new Random(42);
        KeyOf = new long[RecordsPerInvocation];
        ValueOf = new long[RecordsPerInvocation];
        TimeOf = new long[RecordsPerInvocation];
        for (var i = 0; i < RecordsPerInvocation; i++)
        {
            KeyOf[i] = random.Next(Keys);
            ValueOf[i] = random.Next(100);
            TimeOf[i] = Math.Max(0, (i / 50) - random.Next(200));
        }
    }

    public long[] KeyOf { get; }

    public long[] ValueOf { get; }

    public long[] TimeOf { get; }

    /// <summary>Pushes one invocation's records through <paramref name="op"/> starting at event time <paramref name="baseTime"/>.</summary>
    public void Run<TOut>(IKeyedOperator<long, long, TOut> op, IOperatorOutput<TOut> output, long baseTime)
    {
        var keys = KeyOf;
        var values = ValueOf;
        var times = TimeOf;
        for (var i = 0; i < keys.Length; i++)
        {
            op.ProcessElement(keys[i], values[i], baseTime + times[i], output);
            if ((i + 1) % WatermarkEvery == 0)
            {
                op.ProcessWatermark(baseTime + (i / 50) - 1_000, output);
            }
        }
    }
}

/// <summary>Counts what it receives (the host's output, minus any work).</summary>
internal sealed class CountingOutput<T> : IOperatorOutput<T>
{
    public long Count { get; private set; }

    public long SideCount { get; private set; }

    public void Collect(T value, long timestamp) => Count++;

    public void CollectSide<TSide>(OutputTag<TSide> tag, TSide value, long timestamp) => SideCount++;
}

internal sealed class LongSum : IAggregateFunction<long, long, long>
{
    public long CreateAccumulator() => 0;

    public long Add(long value, long accumulator) => accumulator + value;

    public long GetResult(long accumulator) => accumulator;

    public long Merge(long a, long b) => a + b;
}

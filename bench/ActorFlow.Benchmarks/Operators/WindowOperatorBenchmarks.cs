using ActorFlow.Operators;
using ActorFlow.Operators.Windowing;
using BenchmarkDotNet.Attributes;

namespace ActorFlow.Benchmarks.Operators;

/// <summary>
/// Issue 4 targets, one core, 10,000 keys, in memory: tumbling sum ≥ 3M rec/s, sliding 10 s/2 s ≥ 1M rec/s,
/// session ≥ 1M rec/s. One operation = one record (OperationsPerInvoke), so the reported Mean is the time per
/// record and Allocated the bytes per record (steady state: the operator lives across invocations).
/// </summary>
[MemoryDiagnoser]
public class WindowOperatorBenchmarks
{
    private readonly OperatorBenchData _data = new();
    private readonly CountingOutput<long> _output = new();
    private IKeyedOperator<long, long, long> _tumbling = null!;
    private IKeyedOperator<long, long, long> _sliding = null!;
    private IKeyedOperator<long, long, long> _session = null!;
    private long _tumblingBase;
    private long _slidingBase;
    private long _sessionBase;

    [GlobalSetup]
    public void Setup()
    {
        _tumbling = WindowOperators.For<long, long>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(10))).Aggregate(new LongSum());
        _sliding = WindowOperators.For<long, long>(SlidingEventTimeWindows.Of(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2))).Aggregate(new LongSum());
        _session = WindowOperators.For<long, long>(EventTimeSessionWindows.WithGap(TimeSpan.FromSeconds(1))).Aggregate(new LongSum());
    }

    [Benchmark(OperationsPerInvoke = OperatorBenchData.RecordsPerInvocation)]
    public long TumblingSum()
    {
        _data.Run(_tumbling, _output, _tumblingBase);
        _tumblingBase += OperatorBenchData.SpanMs;
        return _output.Count;
    }

    [Benchmark(OperationsPerInvoke = OperatorBenchData.RecordsPerInvocation)]
    public long Sliding10s2sSum()
    {
        _data.Run(_sliding, _output, _slidingBase);
        _slidingBase += OperatorBenchData.SpanMs;
        return _output.Count;
    }

    [Benchmark(OperationsPerInvoke = OperatorBenchData.RecordsPerInvocation)]
    public long Session1sGapSum()
    {
        _data.Run(_session, _output, _sessionBase);
        _sessionBase += OperatorBenchData.SpanMs;
        return _output.Count;
    }
}

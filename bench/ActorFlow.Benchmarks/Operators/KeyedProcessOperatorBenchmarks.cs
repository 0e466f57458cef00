using ActorFlow.Operators;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.State;
using BenchmarkDotNet.Attributes;

namespace ActorFlow.Benchmarks.Operators;

/// <summary>Issue 4 target: a keyed process function with one event-time timer per record (and one value-state
/// update per record) ≥ 1M rec/s on one core, 10,000 keys. One operation = one record.</summary>
[MemoryDiagnoser]
public class KeyedProcessOperatorBenchmarks
{
    private readonly OperatorBenchData _data = new();
    private readonly CountingOutput<long> _output = new();
    private IKeyedOperator<long, long, long> _operator = null!;
    private long _base;

    [GlobalSetup]
    public void Setup() => _operator = KeyedProcessOperators.Create(new TimerPerRecord());

    [Benchmark(OperationsPerInvoke = OperatorBenchData.RecordsPerInvocation)]
    public long OneTimerPerRecord()
    {
        _data.Run(_operator, _output, _base);
        _base += OperatorBenchData.SpanMs;
        return _output.Count;
    }

    private sealed class TimerPerRecord : KeyedProcessFunction<long, long, long>
    {
        private IValueState<long> _count = null!;

        public override void Open(IKeyedStateStore state) => _count = state.GetState(new ValueStateDescriptor<long>("count"));

        public override void ProcessElement(long value, Context context, ICollector<long> output)
        {
            _count.Update(_count.Value + 1);
            context.TimerService.RegisterEventTimeTimer(context.Timestamp!.Value + 1_000);
        }

        public override void OnTimer(long timestamp, OnTimerContext context, ICollector<long> output) => output.Collect(_count.Value);
    }
}

using ActorFlow.Operators.Functions;

namespace ActorFlow.Operators.Tests;

/// <summary>Sums long values (a value-type accumulator).</summary>
internal sealed class SumAggregate : IAggregateFunction<long, long, long>
{
    public long CreateAccumulator() => 0;

    public long Add(long value, long accumulator) => accumulator + value;

    public long GetResult(long accumulator) => accumulator;

    public long Merge(long a, long b) => a + b;
}

/// <summary>Averages long values with a (sum, count) accumulator.</summary>
internal sealed class AverageAggregate : IAggregateFunction<long, (long Sum, long Count), double>
{
    public (long Sum, long Count) CreateAccumulator() => (0, 0);

    public (long Sum, long Count) Add(long value, (long Sum, long Count) accumulator) => (accumulator.Sum + value, accumulator.Count + 1);

    public double GetResult((long Sum, long Count) accumulator) => accumulator.Count == 0 ? 0 : (double)accumulator.Sum / accumulator.Count;

    public (long Sum, long Count) Merge((long Sum, long Count) a, (long Sum, long Count) b) => (a.Sum + b.Sum, a.Count + b.Count);
}

/// <summary>Emits "key@[start,end)=v1,v2,..." for each window (elements in arrival order).</summary>
internal sealed class DescribeWindow : ProcessWindowFunction<string, long, string>
{
    public override void Process(string key, ProcessWindowContext context, IReadOnlyList<long> elements, ICollector<string> output) =>
        output.Collect($"{key}@[{context.Window.Start},{context.Window.End})={string.Join(",", elements)}");
}

/// <summary>Emits "key@[start,end)=sum" (sorted-independent) for each window.</summary>
internal sealed class SumWindow : ProcessWindowFunction<string, long, string>
{
    public override void Process(string key, ProcessWindowContext context, IReadOnlyList<long> elements, ICollector<string> output)
    {
        long sum = 0;
        foreach (var e in elements)
        {
            sum += e;
        }

        output.Collect($"{key}@[{context.Window.Start},{context.Window.End})={sum}");
    }
}

/// <summary>Formats a pre-aggregated value with its window.</summary>
internal sealed class LabelWindow<T> : ProcessWindowFunction<string, T, string>
{
    public override void Process(string key, ProcessWindowContext context, IReadOnlyList<T> elements, ICollector<string> output) =>
        output.Collect($"{key}@[{context.Window.Start},{context.Window.End})={elements[0]}");
}

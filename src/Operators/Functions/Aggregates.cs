namespace ActorFlow.Operators.Functions;

/// <summary>
/// Built-in aggregate functions for <c>WindowOperatorBuilder.Aggregate</c>: sum, count, min, max and average of a
/// <see cref="long"/> read from each record. Their accumulators are value types with built-in serializers, so
/// aggregating allocates nothing per record, and they merge (session windows).
/// </summary>
public static class Aggregates
{
    /// <summary>Sums <paramref name="selector"/> over the window's records (wrapping on overflow, as <see cref="long"/> addition does).</summary>
    /// <typeparam name="TIn">The record type.</typeparam>
    /// <param name="selector">The value to sum, read from each record.</param>
    /// <returns>The aggregate function.</returns>
    public static IAggregateFunction<TIn, long, long> Sum<TIn>(Func<TIn, long> selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        return new SumAggregate<TIn>(selector);
    }

    /// <summary>Counts the window's records.</summary>
    /// <typeparam name="TIn">The record type.</typeparam>
    /// <returns>The aggregate function.</returns>
    public static IAggregateFunction<TIn, long, long> Count<TIn>() => CountAggregate<TIn>.Instance;

    /// <summary>The smallest <paramref name="selector"/> over the window's records (0 for an accumulator that saw
    /// none; a window always holds at least one record).</summary>
    /// <typeparam name="TIn">The record type.</typeparam>
    /// <param name="selector">The value compared, read from each record.</param>
    /// <returns>The aggregate function.</returns>
    public static IAggregateFunction<TIn, (bool HasValue, long Value), long> Min<TIn>(Func<TIn, long> selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        return new ExtremeAggregate<TIn>(selector, max: false);
    }

    /// <summary>The largest <paramref name="selector"/> over the window's records (0 for an accumulator that saw
    /// none; a window always holds at least one record).</summary>
    /// <typeparam name="TIn">The record type.</typeparam>
    /// <param name="selector">The value compared, read from each record.</param>
    /// <returns>The aggregate function.</returns>
    public static IAggregateFunction<TIn, (bool HasValue, long Value), long> Max<TIn>(Func<TIn, long> selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        return new ExtremeAggregate<TIn>(selector, max: true);
    }

    /// <summary>The arithmetic mean of <paramref name="selector"/> over the window's records (<see cref="double.NaN"/>
    /// for an accumulator that saw none).</summary>
    /// <typeparam name="TIn">The record type.</typeparam>
    /// <param name="selector">The value averaged, read from each record.</param>
    /// <returns>The aggregate function.</returns>
    public static IAggregateFunction<TIn, (long Sum, long Count), double> Average<TIn>(Func<TIn, long> selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        return new AverageAggregate<TIn>(selector);
    }

    private sealed class SumAggregate<TIn>(Func<TIn, long> selector) : IAggregateFunction<TIn, long, long>
    {
        public long CreateAccumulator() => 0;

        public long Add(TIn value, long accumulator) => unchecked(accumulator + selector(value));

        public long GetResult(long accumulator) => accumulator;

        public long Merge(long a, long b) => unchecked(a + b);
    }

    private sealed class CountAggregate<TIn> : IAggregateFunction<TIn, long, long>
    {
        public static readonly CountAggregate<TIn> Instance = new();

        public long CreateAccumulator() => 0;

        public long Add(TIn value, long accumulator) => accumulator + 1;

        public long GetResult(long accumulator) => accumulator;

        public long Merge(long a, long b) => a + b;
    }

    private sealed class ExtremeAggregate<TIn>(Func<TIn, long> selector, bool max) : IAggregateFunction<TIn, (bool HasValue, long Value), long>
    {
        public (bool HasValue, long Value) CreateAccumulator() => (false, 0);

        public (bool HasValue, long Value) Add(TIn value, (bool HasValue, long Value) accumulator) => Merge(accumulator, (true, selector(value)));

        public long GetResult((bool HasValue, long Value) accumulator) => accumulator.Value;

        public (bool HasValue, long Value) Merge((bool HasValue, long Value) a, (bool HasValue, long Value) b)
        {
            if (!a.HasValue)
            {
                return b;
            }

            if (!b.HasValue)
            {
                return a;
            }

            return (true, max ? Math.Max(a.Value, b.Value) : Math.Min(a.Value, b.Value));
        }
    }

    private sealed class AverageAggregate<TIn>(Func<TIn, long> selector) : IAggregateFunction<TIn, (long Sum, long Count), double>
    {
        public (long Sum, long Count) CreateAccumulator() => (0, 0);

        public (long Sum, long Count) Add(TIn value, (long Sum, long Count) accumulator) => (unchecked(accumulator.Sum + selector(value)), accumulator.Count + 1);

        public double GetResult((long Sum, long Count) accumulator) => accumulator.Count == 0 ? double.NaN : (double)accumulator.Sum / accumulator.Count;

        public (long Sum, long Count) Merge((long Sum, long Count) a, (long Sum, long Count) b) => (unchecked(a.Sum + b.Sum), a.Count + b.Count);
    }
}

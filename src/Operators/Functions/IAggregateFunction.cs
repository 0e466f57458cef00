namespace ActorFlow.Operators.Functions;

/// <summary>
/// An incremental aggregation with an accumulator, as Flink's <c>AggregateFunction</c>. For value-type
/// accumulators the window operator keeps them unboxed, so aggregating allocates nothing per record.
/// </summary>
/// <typeparam name="TIn">The input type.</typeparam>
/// <typeparam name="TAcc">The accumulator type.</typeparam>
/// <typeparam name="TOut">The result type.</typeparam>
public interface IAggregateFunction<in TIn, TAcc, out TOut>
{
    /// <summary>Creates an empty accumulator.</summary>
    /// <returns>The accumulator.</returns>
    TAcc CreateAccumulator();

    /// <summary>Adds a value to an accumulator.</summary>
    /// <param name="value">The value.</param>
    /// <param name="accumulator">The accumulator.</param>
    /// <returns>The new accumulator (may be the same object, mutated).</returns>
    TAcc Add(TIn value, TAcc accumulator);

    /// <summary>Computes the result.</summary>
    /// <param name="accumulator">The accumulator.</param>
    /// <returns>The result.</returns>
    TOut GetResult(TAcc accumulator);

    /// <summary>
    /// Merges two accumulators: used when session windows merge, and by a batch run's pre-aggregation
    /// (<c>JobRunnerOptions.BatchPreAggregation</c>), which merges accumulators of records folded ahead of the window
    /// into it. It must give what adding both accumulators' records to one would. A function that throws here when
    /// merging two new accumulators is never pre-aggregated. Before a batch run folds a source's records, it checks the
    /// merge on the first of them, which go on unfolded meanwhile (pairs of records, each added to a new accumulator and
    /// merged, against both added to one, in both orders, compared by the state serializer's bytes; up to 32 pairs, ten
    /// calls of <c>Add</c> and two of <c>Merge</c> each) and does not fold when a pair differs or <c>Merge</c> throws.
    /// The check is best effort; <c>Add</c>, <c>Merge</c> and <c>CreateAccumulator</c> then run on the source's thread too,
    /// beside the key groups.
    /// </summary>
    /// <param name="a">One accumulator.</param>
    /// <param name="b">The other.</param>
    /// <returns>The merged accumulator.</returns>
    TAcc Merge(TAcc a, TAcc b);
}

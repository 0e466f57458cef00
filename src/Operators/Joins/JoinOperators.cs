using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Internal;
using ActorFlow.Operators.Serialization;
using ActorFlow.Operators.Windowing;

namespace ActorFlow.Operators.Joins;

/// <summary>Builds two-input join operators over two streams keyed the same way.</summary>
public static class JoinOperators
{
    /// <summary>
    /// A window join: records of both inputs with the same key and window are paired when the window fires
    /// (its max timestamp is reached); each pair is joined, results carry the window's max timestamp.
    /// Late records go to <see cref="OutputTags.LateData{T}"/> (first input) or
    /// <see cref="OutputTags.LateDataRight{T}"/> (second input).
    /// </summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="TIn1">The first input's type.</typeparam>
    /// <typeparam name="TIn2">The second input's type.</typeparam>
    /// <typeparam name="TOut">The result type.</typeparam>
    /// <param name="assigner">A non-merging window assigner (tumbling or sliding, event or processing time).</param>
    /// <param name="join">Joins one pair.</param>
    /// <param name="serializers">Serializers for key and records; built-ins when <c>null</c>.</param>
    /// <param name="clock">The processing-time clock.</param>
    /// <returns>The operator.</returns>
    /// <exception cref="ArgumentException">The assigner merges, or a serializer is missing.</exception>
    public static ITwoInputKeyedOperator<TKey, TIn1, TIn2, TOut> Window<TKey, TIn1, TIn2, TOut>(
        WindowAssigner assigner, Func<TIn1, TIn2, TOut> join, SerializerRegistry? serializers = null, TimeProvider? clock = null)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(assigner);
        ArgumentNullException.ThrowIfNull(join);
        if (assigner.IsMerging)
        {
            throw new ArgumentException($"A window join needs a non-merging window assigner; {assigner.GetType().Name} merges.", nameof(assigner));
        }

        return new WindowJoinOperator<TKey, TIn1, TIn2, TOut>(assigner, join, SerializerRegistry.Resolve(serializers), clock ?? DrivenClock.Default);
    }

    /// <summary>
    /// An interval join (event time): a first-input record at t joins every second-input record of the same
    /// key with timestamp in [t + lowerBound, t + upperBound] (bounds inclusive unless told otherwise); results
    /// carry the larger of the two timestamps. Records behind the watermark are late.
    /// </summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="TIn1">The first input's type.</typeparam>
    /// <typeparam name="TIn2">The second input's type.</typeparam>
    /// <typeparam name="TOut">The result type.</typeparam>
    /// <param name="lowerBound">The lower bound relative to the first input's timestamp (may be negative).</param>
    /// <param name="upperBound">The upper bound (not below the lower bound).</param>
    /// <param name="join">Joins one pair.</param>
    /// <param name="lowerBoundExclusive">Exclude the lower bound.</param>
    /// <param name="upperBoundExclusive">Exclude the upper bound.</param>
    /// <param name="serializers">Serializers for key and records; built-ins when <c>null</c>.</param>
    /// <returns>The operator.</returns>
    /// <exception cref="ArgumentException">The bounds are inverted or have a sub-millisecond part, or a serializer is missing.</exception>
    public static ITwoInputKeyedOperator<TKey, TIn1, TIn2, TOut> Interval<TKey, TIn1, TIn2, TOut>(
        TimeSpan lowerBound,
        TimeSpan upperBound,
        Func<TIn1, TIn2, TOut> join,
        bool lowerBoundExclusive = false,
        bool upperBoundExclusive = false,
        SerializerRegistry? serializers = null)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(join);
        return IntervalProcess<TKey, TIn1, TIn2, TOut>(lowerBound, upperBound, new PairJoinFunction<TIn1, TIn2, TOut>(join), lowerBoundExclusive, upperBoundExclusive, serializers);
    }

    /// <summary>
    /// An interval join whose pairs go to <paramref name="function"/> (Flink's <c>ProcessJoinFunction</c>): any number of
    /// results per pair, side outputs, both timestamps. Otherwise as the overload taking a <c>Func</c>.
    /// </summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="TIn1">The first input's record type.</typeparam>
    /// <typeparam name="TIn2">The second input's record type.</typeparam>
    /// <typeparam name="TOut">The result type.</typeparam>
    /// <param name="lowerBound">The lower bound (may be negative).</param>
    /// <param name="upperBound">The upper bound (not below the lower bound).</param>
    /// <param name="function">Processes each pair.</param>
    /// <param name="lowerBoundExclusive">Exclude the lower bound.</param>
    /// <param name="upperBoundExclusive">Exclude the upper bound.</param>
    /// <param name="serializers">Serializers for key and records; built-ins when <c>null</c>.</param>
    /// <returns>The operator.</returns>
    /// <exception cref="ArgumentException">The bounds are inverted or have a sub-millisecond part, or a serializer is missing.</exception>
    public static ITwoInputKeyedOperator<TKey, TIn1, TIn2, TOut> IntervalProcess<TKey, TIn1, TIn2, TOut>(
        TimeSpan lowerBound,
        TimeSpan upperBound,
        ProcessJoinFunction<TIn1, TIn2, TOut> function,
        bool lowerBoundExclusive = false,
        bool upperBoundExclusive = false,
        SerializerRegistry? serializers = null)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(function);
        var join = function;
        var lower = Timestamps.ToWholeMillis(lowerBound, nameof(lowerBound));
        var upper = Timestamps.ToWholeMillis(upperBound, nameof(upperBound));
        if (lower > upper)
        {
            throw new ArgumentException($"The interval join's lower bound ({lowerBound}) must not be above its upper bound ({upperBound}).", nameof(lowerBound));
        }

        // As Flink: the bounds are checked as given, then an exclusive bound moves inwards by 1 ms (equal exclusive bounds join nothing).
        return new IntervalJoinOperator<TKey, TIn1, TIn2, TOut>(
            lowerBoundExclusive ? lower + 1 : lower, upperBoundExclusive ? upper - 1 : upper, join, SerializerRegistry.Resolve(serializers));
    }
}

namespace ActorFlow.Operators.Functions;

/// <summary>
/// The function of an interval join (Flink's <c>ProcessJoinFunction</c>): called once for every pair of a first-input
/// and a second-input record of one key whose timestamps lie within the bounds; it may emit any number of results (none
/// filters the pair out) and side outputs. Results carry the larger of the two timestamps.
/// </summary>
/// <typeparam name="TIn1">The first (left) input's record type.</typeparam>
/// <typeparam name="TIn2">The second (right) input's record type.</typeparam>
/// <typeparam name="TOut">The result type.</typeparam>
public abstract class ProcessJoinFunction<TIn1, TIn2, TOut>
{
    /// <summary>Processes one joined pair.</summary>
    /// <param name="left">The first input's record.</param>
    /// <param name="right">The second input's record.</param>
    /// <param name="context">The pair's timestamps and side outputs.</param>
    /// <param name="output">Collects results.</param>
    public abstract void ProcessElement(TIn1 left, TIn2 right, Context context, ICollector<TOut> output);

    /// <summary>What the function sees of a pair.</summary>
    public abstract class Context
    {
        /// <summary>Gets the first input's record's timestamp.</summary>
        public abstract long LeftTimestamp { get; }

        /// <summary>Gets the second input's record's timestamp.</summary>
        public abstract long RightTimestamp { get; }

        /// <summary>Gets the results' timestamp: the larger of the two.</summary>
        public abstract long Timestamp { get; }

        /// <summary>Emits to a side output, at <see cref="Timestamp"/>.</summary>
        /// <typeparam name="T">The side output's type.</typeparam>
        /// <param name="tag">The side output.</param>
        /// <param name="value">The record.</param>
        public abstract void Output<T>(OutputTag<T> tag, T value);
    }
}

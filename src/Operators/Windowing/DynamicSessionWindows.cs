using ActorFlow.Operators.Windowing.Triggers;

namespace ActorFlow.Operators.Windowing;

/// <summary>
/// Session windows in event time whose gap each record gives (Flink's <c>DynamicEventTimeSessionWindows</c> with a
/// <c>SessionWindowTimeGapExtractor</c>): a record opens [timestamp, timestamp + gap(record)); windows of one key that
/// overlap or touch merge, so a merged session ends at the furthest end of its records. A record whose gap is not at
/// least a millisecond goes to the rejected output with the reason (Flink fails the job).
/// </summary>
/// <typeparam name="T">The records' type.</typeparam>
public sealed class DynamicEventTimeSessionWindows<T> : WindowAssigner, IElementWindowAssigner<T>
{
    private readonly Func<T, TimeSpan> _gap;

    private DynamicEventTimeSessionWindows(Func<T, TimeSpan> gap) => _gap = gap;

    /// <inheritdoc />
    public override bool IsEventTime => true;

    /// <inheritdoc />
    public override bool IsMerging => true;

    /// <inheritdoc />
    public override Trigger DefaultTrigger => EventTimeTrigger.Create();

    /// <inheritdoc />
    Type IElementWindowAssigner.ElementType => typeof(T);

    /// <summary>Creates the assigner.</summary>
    /// <param name="gap">The inactivity gap that closes a session opened by a record (whole milliseconds; a sub-millisecond part is dropped).</param>
    /// <returns>The assigner.</returns>
    public static DynamicEventTimeSessionWindows<T> WithDynamicGap(Func<T, TimeSpan> gap) => new(gap ?? throw new ArgumentNullException(nameof(gap)));

    /// <summary>Not for this assigner: its windows depend on the record (<see cref="IElementWindowAssigner{T}"/>).</summary>
    /// <param name="timestamp">The record's event timestamp.</param>
    /// <param name="currentProcessingTime">The current processing time.</param>
    /// <param name="windows">Receives the windows.</param>
    /// <exception cref="InvalidOperationException">Always.</exception>
    public override void AssignWindows(long timestamp, long currentProcessingTime, List<TimeWindow> windows) =>
        throw new InvalidOperationException("Dynamic session windows need the record to assign its window.");

    /// <inheritdoc />
    string? IElementWindowAssigner<T>.AssignWindows(T element, long timestamp, long currentProcessingTime, List<TimeWindow> windows) =>
        DynamicGaps.Assign(_gap, element, timestamp, windows);
}

/// <summary>
/// Session windows in processing time whose gap each record gives (Flink's <c>DynamicProcessingTimeSessionWindows</c>):
/// a record opens [now, now + gap(record)) by the injected clock; they merge as <see cref="DynamicEventTimeSessionWindows{T}"/> do.
/// </summary>
/// <typeparam name="T">The records' type.</typeparam>
public sealed class DynamicProcessingTimeSessionWindows<T> : WindowAssigner, IElementWindowAssigner<T>
{
    private readonly Func<T, TimeSpan> _gap;

    private DynamicProcessingTimeSessionWindows(Func<T, TimeSpan> gap) => _gap = gap;

    /// <inheritdoc />
    public override bool IsEventTime => false;

    /// <inheritdoc />
    public override bool IsMerging => true;

    /// <inheritdoc />
    public override Trigger DefaultTrigger => ProcessingTimeTrigger.Create();

    /// <inheritdoc />
    Type IElementWindowAssigner.ElementType => typeof(T);

    /// <summary>Creates the assigner.</summary>
    /// <param name="gap">The inactivity gap that closes a session opened by a record (whole milliseconds; a sub-millisecond part is dropped).</param>
    /// <returns>The assigner.</returns>
    public static DynamicProcessingTimeSessionWindows<T> WithDynamicGap(Func<T, TimeSpan> gap) => new(gap ?? throw new ArgumentNullException(nameof(gap)));

    /// <summary>Not for this assigner: its windows depend on the record (<see cref="IElementWindowAssigner{T}"/>).</summary>
    /// <param name="timestamp">The record's event timestamp.</param>
    /// <param name="currentProcessingTime">The current processing time.</param>
    /// <param name="windows">Receives the windows.</param>
    /// <exception cref="InvalidOperationException">Always.</exception>
    public override void AssignWindows(long timestamp, long currentProcessingTime, List<TimeWindow> windows) =>
        throw new InvalidOperationException("Dynamic session windows need the record to assign its window.");

    /// <inheritdoc />
    string? IElementWindowAssigner<T>.AssignWindows(T element, long timestamp, long currentProcessingTime, List<TimeWindow> windows) =>
        DynamicGaps.Assign(_gap, element, currentProcessingTime, windows);
}

/// <summary>An assigner whose windows depend on the record (dynamic session gaps).</summary>
public interface IElementWindowAssigner
{
    /// <summary>Gets the type of records the assigner reads.</summary>
    Type ElementType { get; }
}

/// <summary>An assigner whose windows depend on the record of type <typeparamref name="T"/>.</summary>
/// <typeparam name="T">The records' type.</typeparam>
public interface IElementWindowAssigner<in T> : IElementWindowAssigner
{
    /// <summary>Adds the windows of a record to <paramref name="windows"/> (which the caller cleared).</summary>
    /// <param name="element">The record.</param>
    /// <param name="timestamp">Its event timestamp (epoch ms).</param>
    /// <param name="currentProcessingTime">The current processing time (epoch ms).</param>
    /// <param name="windows">Receives the windows.</param>
    /// <returns>Null, or why the record has no window (it is rejected with that reason).</returns>
    string? AssignWindows(T element, long timestamp, long currentProcessingTime, List<TimeWindow> windows);
}

internal static class DynamicGaps
{
    public static string? Assign<T>(Func<T, TimeSpan> gapOf, T element, long start, List<TimeWindow> windows)
    {
        var span = gapOf(element);
        var gap = Timestamps.ToMillis(span);
        if (gap < 1)
        {
            return $"The record's dynamic session gap ({span}) is not at least a millisecond.";
        }

        WindowArithmetic.AssignSession(start, gap, windows);
        return null;
    }
}

using ActorFlow.Operators.Windowing.Triggers;

namespace ActorFlow.Operators.Windowing;

/// <summary>
/// Assigns each record to zero or more windows, by its event timestamp (event-time assigners) or by the
/// current processing time (processing-time assigners), as Flink's <c>WindowAssigner</c>.
/// </summary>
public abstract class WindowAssigner
{
    /// <summary>Gets a value indicating whether windows are in event time (fired by watermarks) rather than processing time.</summary>
    public abstract bool IsEventTime { get; }

    /// <summary>Gets a value indicating whether windows merge (session windows).</summary>
    public virtual bool IsMerging => false;

    /// <summary>Gets the trigger used when the window spec names none.</summary>
    public abstract Trigger DefaultTrigger { get; }

    /// <summary>Adds the windows of a record to <paramref name="windows"/> (which the caller cleared).</summary>
    /// <param name="timestamp">The record's event timestamp (epoch ms).</param>
    /// <param name="currentProcessingTime">The current processing time (epoch ms).</param>
    /// <param name="windows">Receives the windows.</param>
    public abstract void AssignWindows(long timestamp, long currentProcessingTime, List<TimeWindow> windows);

    /// <summary>Checks a size or slide argument.</summary>
    /// <param name="value">The value (ms).</param>
    /// <param name="name">The argument's name.</param>
    /// <param name="what">What it is, for the message.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentException">The value is not positive or has a sub-millisecond part.</exception>
    protected static long RequirePositive(TimeSpan value, string name, string what) => WindowArithmetic.RequirePositive(value, name, what);

    /// <summary>Checks an offset against a size or slide.</summary>
    /// <param name="offset">The offset (ms).</param>
    /// <param name="size">The size or slide (ms).</param>
    /// <param name="name">The argument's name.</param>
    /// <returns>The offset.</returns>
    /// <exception cref="ArgumentException">|offset| is not smaller than the size, or it has a sub-millisecond part.</exception>
    protected static long RequireOffset(TimeSpan offset, long size, string name) => WindowArithmetic.RequireOffset(offset, size, name);
}

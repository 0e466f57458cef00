namespace ActorFlow.Operators;

/// <summary>
/// Event timestamps are <see cref="long"/> milliseconds since the Unix epoch (1970-01-01T00:00:00Z), as in
/// Flink's <c>TimestampAssigner</c>. <see cref="long.MinValue"/> means "no timestamp".
/// </summary>
public static class Timestamps
{
    /// <summary>The value that marks a record without a timestamp (<see cref="long.MinValue"/>).</summary>
    public const long NoTimestamp = long.MinValue;

    /// <summary>Tells whether <paramref name="timestamp"/> can carry an event-time record
    /// (anything but <see cref="long.MinValue"/> and <see cref="long.MaxValue"/>).</summary>
    /// <param name="timestamp">Epoch milliseconds.</param>
    /// <returns><c>true</c> when the timestamp is valid.</returns>
    public static bool IsValid(long timestamp) => timestamp != long.MinValue && timestamp != long.MaxValue;

    /// <summary>Converts a <see cref="TimeSpan"/> to whole milliseconds.</summary>
    /// <param name="span">The duration.</param>
    /// <returns>The duration in milliseconds (truncated).</returns>
    public static long ToMillis(TimeSpan span) => span.Ticks / TimeSpan.TicksPerMillisecond;

    /// <summary>Converts a duration argument to milliseconds, refusing a sub-millisecond part (timestamps are whole milliseconds).</summary>
    /// <param name="span">The duration.</param>
    /// <param name="paramName">The argument's name, for the exception.</param>
    /// <returns>The duration in milliseconds.</returns>
    /// <exception cref="ArgumentException">The duration has a part smaller than a millisecond.</exception>
    internal static long ToWholeMillis(TimeSpan span, string paramName)
    {
        if (span.Ticks % TimeSpan.TicksPerMillisecond != 0)
        {
            throw new ArgumentException($"Durations are whole milliseconds (timestamps are epoch milliseconds), but {paramName} was {span} ({span.Ticks} ticks).", paramName);
        }

        return span.Ticks / TimeSpan.TicksPerMillisecond;
    }
}

namespace ActorFlow.Operators;

/// <summary>A value with its event timestamp (epoch milliseconds).</summary>
/// <typeparam name="T">The value type.</typeparam>
/// <param name="Value">The value.</param>
/// <param name="Timestamp">Epoch milliseconds, or <see cref="Timestamps.NoTimestamp"/>.</param>
public readonly record struct TimestampedValue<T>(T Value, long Timestamp);

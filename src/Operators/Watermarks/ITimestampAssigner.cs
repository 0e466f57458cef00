namespace ActorFlow.Operators.Watermarks;

/// <summary>Extracts the event timestamp of a record, in milliseconds since the Epoch.</summary>
/// <typeparam name="T">The record type.</typeparam>
public interface ITimestampAssigner<in T>
{
    /// <summary>Returns the record's event timestamp.</summary>
    /// <param name="element">The record.</param>
    /// <param name="recordTimestamp">The timestamp the record came with (e.g. the Kafka CreateTime), or
    /// <see cref="Timestamps.NoTimestamp"/>.</param>
    /// <returns>Milliseconds since the Epoch.</returns>
    long ExtractTimestamp(T element, long recordTimestamp);
}

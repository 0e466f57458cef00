namespace ActorFlow.Operators;

/// <summary>A record an operator could not process, sent to <see cref="OutputTags.Rejected{T}"/>.</summary>
/// <typeparam name="T">The input record type.</typeparam>
/// <param name="Key">The record's key, as text (<c>"null"</c> for a null key).</param>
/// <param name="Value">The record.</param>
/// <param name="Timestamp">The record's timestamp as received.</param>
/// <param name="Reason">Why the record was rejected.</param>
public sealed record RejectedRecord<T>(string Key, T Value, long Timestamp, string Reason) : IRejectedRecord;

/// <summary>INTERNAL API. A rejected record's reason, whatever its type (hosts dead-letter it).</summary>
internal interface IRejectedRecord
{
    string Reason { get; }
}

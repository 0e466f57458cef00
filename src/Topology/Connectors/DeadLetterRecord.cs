namespace ActorFlow.Topology.Connectors;

/// <summary>
/// A record that could not be processed, with the reason and where it came from, as the dead-letter output receives it
/// (named so that it never clashes with <c>Akka.Actor.DeadLetter</c> in code that uses Akka).
/// </summary>
/// <param name="Reason">What went wrong.</param>
/// <param name="Origin">Where the record came from, e.g. <c>topic/partition</c>.</param>
/// <param name="Offset">Its position in <paramref name="Origin"/> (-1 when unknown).</param>
/// <param name="Key">The raw key bytes, when known.</param>
/// <param name="Value">The raw value bytes, when known.</param>
/// <param name="Operator">The stage that failed (<c>Where</c>, <c>Select</c>, <c>SelectMany</c>, <c>KeyBy</c>, or the keyed operator's name), or null for a decoding failure.</param>
public sealed record DeadLetterRecord(string Reason, string Origin, long Offset, byte[]? Key, byte[]? Value, string? Operator = null)
{
    /// <summary>
    /// Gets the original record's headers (name and value, in order) when the source kept them: those of a record that
    /// could not be decoded (a header may name its schema, as Confluent's header-mode serializers write it); null otherwise.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, byte[]?>>? Headers { get; init; }
}

namespace ActorFlow.Topology.Connectors;

/// <summary>
/// One record read by a source connector: the decoded value with its record timestamp (epoch ms), or, when
/// decoding failed, the error and the raw bytes so the record can go to the dead-letter output.
/// </summary>
/// <param name="Value">The decoded value (default when <paramref name="Error"/> is set).</param>
/// <param name="Timestamp">The record's own timestamp in epoch milliseconds (e.g. Kafka CreateTime).</param>
/// <param name="Origin">Where it came from, e.g. <c>topic/partition</c>.</param>
/// <param name="Offset">Its position in <paramref name="Origin"/>.</param>
/// <param name="Error">Why decoding failed, or null.</param>
/// <param name="RawKey">The key bytes the record was read as, kept for dead letters (a record that fails to decode, or
/// that any later step of the job fails on, is dead-lettered with them); null when the source has none.</param>
/// <param name="RawValue">The value bytes the record was read as, kept for dead letters like <paramref name="RawKey"/>.</param>
public readonly record struct SourceRecord<T>(
    T? Value, long Timestamp, string Origin, long Offset, Exception? Error = null, byte[]? RawKey = null, byte[]? RawValue = null)
{
    /// <summary>
    /// Gets the record's headers (name and value, in order), kept for the dead letter of a record that could not be
    /// decoded (a header may name its schema); null when the source keeps none.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, byte[]?>>? Headers { get; init; }
}

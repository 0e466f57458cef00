namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. One record of a chunk: its value, event timestamp and source offset, and the bytes it was decoded
/// from (<see cref="RawKey"/>, <see cref="RawValue"/>; references to what the source read, null when the source has
/// none), kept so that a record any later step fails on becomes a dead letter that can be replayed.
/// </summary>
internal readonly record struct Element<T>(T Value, long Timestamp, long Offset, byte[]? RawKey = null, byte[]? RawValue = null)
{
    /// <summary>The same record with another value (a step's result): timestamp, offset and bytes stay.</summary>
    public Element<TOut> With<TOut>(TOut value) => new(value, Timestamp, Offset, RawKey, RawValue);
}

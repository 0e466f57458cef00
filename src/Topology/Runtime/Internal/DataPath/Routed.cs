namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. A keyed record on its way to its key group; key group -1 = no key group (stateless job).
/// <see cref="Watermark"/> is the job's watermark in force when the record was read (the watermark of the chunks
/// before it; the dispatcher sets it): every key group advances to it before it applies the record, so a record is
/// late or on time the same in every key group, whatever that key group saw before (as in Flink, where a watermark
/// travels ahead of the records that follow it). <see cref="Origin"/>, <see cref="Offset"/>, <see cref="RawKey"/> and
/// <see cref="RawValue"/> say where the record was read and as what bytes (the dispatcher sets them too), so that a
/// record the key group's operator fails on becomes a dead letter a user can trace and replay. <see cref="Target"/> is
/// the stage input the record goes to (see <c>JobGraph</c>), or, with key group -1, the sink it goes to.
/// </summary>
internal readonly record struct Routed(
    int KeyGroup, object Key, object? Value, long Timestamp, long Watermark = long.MinValue,
    string? Origin = null, long Offset = -1, byte[]? RawKey = null, byte[]? RawValue = null, int Target = 0)
{
    /// <summary>The key group of a broadcast record: the dispatcher sends a copy to every key group of its stage's hop.</summary>
    public const int EveryKeyGroup = -2;
}

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. Where a record of a source chunk goes, as the key-by, broadcast and sink steps route it: its key
/// group (-1: a sink; <see cref="Routed.EveryKeyGroup"/>: every key group of its stage's hop), the stage input or sink
/// <see cref="Target"/>, its key and value. Its timestamp, offset and bytes are the chunk element's, so a chunk of
/// these carries 56 bytes per record where a chunk of <see cref="Routed"/> (the key-group message layout, which the
/// dispatcher makes from both) carried 104.
/// </summary>
internal readonly record struct Keyed(int KeyGroup, object Key, object? Value, int Target = 0);

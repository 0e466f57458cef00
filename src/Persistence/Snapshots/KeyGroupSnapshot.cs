namespace ActorFlow.Persistence.Snapshots;

/// <summary>
/// INTERNAL API. The snapshot payload of one key group for one checkpoint: the operator state as opaque bytes (the operator
/// owns their format and its versioning), tagged with the checkpoint id so a restore can prove it got the
/// snapshot it asked for. Written with ActorFlow's binary serializer (checksummed).
/// </summary>
/// <param name="CheckpointId">The checkpoint whose barrier this state reflects.</param>
/// <param name="KeyGroup">The key group.</param>
/// <param name="State">The serialized operator state of all keys of the key group.</param>
internal sealed record KeyGroupSnapshot(long CheckpointId, int KeyGroup, byte[] State);

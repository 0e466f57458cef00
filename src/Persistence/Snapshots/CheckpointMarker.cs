namespace ActorFlow.Persistence.Snapshots;

/// <summary>
/// The journal event a key group persists just before saving the snapshot of a checkpoint. It gives every
/// snapshot its own sequence number (a persistent actor snapshots at its last sequence number), so older
/// snapshots are kept and a restore can select the one of a chosen checkpoint. It carries no state.
/// </summary>
/// <param name="CheckpointId">The checkpoint being taken.</param>
public sealed record CheckpointMarker(long CheckpointId);

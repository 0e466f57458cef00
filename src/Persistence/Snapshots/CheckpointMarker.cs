namespace ActorFlow.Persistence.Snapshots;

/// <summary>
/// INTERNAL API. The journal event earlier versions persisted just before saving the snapshot of a checkpoint, to give every
/// snapshot its own sequence number. Key groups no longer write it (a checkpoint's snapshot is stored at
/// <see cref="CheckpointedKeyGroupActor.SnapshotSequenceNrOf"/>); it stays readable so that journals written by
/// earlier versions recover, and the first prune deletes them. It carries no state.
/// </summary>
/// <param name="CheckpointId">The checkpoint being taken.</param>
internal sealed record CheckpointMarker(long CheckpointId);

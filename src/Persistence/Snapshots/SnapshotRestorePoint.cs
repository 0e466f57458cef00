namespace ActorFlow.Persistence.Snapshots;

/// <summary>
/// INTERNAL API. Which snapshot a key group restores from: that of <paramref name="CheckpointId"/>, stored at
/// <paramref name="SequenceNr"/>. Taken from the last complete <see cref="Checkpoints.CheckpointRecord"/>
/// (<see cref="Checkpoints.CheckpointRecord.RestorePointFor"/>).
/// </summary>
/// <param name="CheckpointId">The complete checkpoint to restore.</param>
/// <param name="SequenceNr">The key group's snapshot sequence number for that checkpoint.</param>
internal sealed record SnapshotRestorePoint(long CheckpointId, long SequenceNr);

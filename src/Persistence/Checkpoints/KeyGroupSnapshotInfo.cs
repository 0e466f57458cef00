namespace ActorFlow.Persistence.Checkpoints;

/// <summary>
/// Where one key group's state for a checkpoint is: the Akka snapshot sequence number to restore from, and its size.
/// A key group absent from a checkpoint had no state (it restores empty).
/// </summary>
/// <param name="KeyGroup">The key group index.</param>
/// <param name="SnapshotSequenceNr">The sequence number of the key group's snapshot for this checkpoint.</param>
/// <param name="StateSizeBytes">The serialized state size in bytes.</param>
public sealed record KeyGroupSnapshotInfo(int KeyGroup, long SnapshotSequenceNr, long StateSizeBytes);

namespace ActorFlow.Persistence.Snapshots;

/// <summary>
/// A key group cannot restore the snapshot of the requested checkpoint (missing, of another checkpoint or key
/// group, or unreadable). Recovery of that key group fails; restore from an earlier complete checkpoint.
/// </summary>
public sealed class SnapshotRestoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="keyGroup">The key group that failed to restore.</param>
    /// <param name="checkpointId">The checkpoint it tried to restore.</param>
    /// <param name="reason">What went wrong.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public SnapshotRestoreException(int keyGroup, long checkpointId, string reason, Exception? inner = null)
        : base($"Key group {keyGroup} cannot restore checkpoint {checkpointId}: {reason} "
            + "Restore the job from an earlier complete checkpoint.", inner)
    {
        KeyGroup = keyGroup;
        CheckpointId = checkpointId;
    }

    /// <summary>The key group that failed to restore.</summary>
    public int KeyGroup { get; }

    /// <summary>The checkpoint it tried to restore.</summary>
    public long CheckpointId { get; }
}

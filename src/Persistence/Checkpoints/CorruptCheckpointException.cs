namespace ActorFlow.Persistence.Checkpoints;

/// <summary>A stored checkpoint record cannot be read (damaged bytes, unknown format version).</summary>
public sealed class CorruptCheckpointException : Exception
{
    /// <summary>Creates the exception for checkpoint <paramref name="checkpointId"/> of <paramref name="jobId"/>.</summary>
    /// <param name="jobId">The job.</param>
    /// <param name="checkpointId">The unreadable checkpoint.</param>
    /// <param name="reason">What is wrong.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public CorruptCheckpointException(string jobId, long checkpointId, string reason, Exception? inner = null)
        : base($"Checkpoint {checkpointId} of job '{jobId}' is corrupt and cannot be restored: {reason}", inner)
    {
        JobId = jobId;
        CheckpointId = checkpointId;
    }

    /// <summary>The job whose record is unreadable.</summary>
    public string JobId { get; }

    /// <summary>The unreadable checkpoint's id.</summary>
    public long CheckpointId { get; }
}

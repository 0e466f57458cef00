namespace ActorFlow.Persistence.Checkpoints;

/// <summary>What failed: the job (it failed over or gave up) or one checkpoint (aborted; the job kept running).</summary>
public enum JobFailureKind
{
    /// <summary>The job failed: it restarted from its last complete checkpoint, or its restart strategy gave up.</summary>
    Job,

    /// <summary>A checkpoint failed or timed out and was aborted; the previous complete checkpoint stayed the recovery point.</summary>
    Checkpoint,
}

/// <summary>
/// The newest failure of one kind of a job, kept in its checkpoint store for tools (<c>actorflow status</c>): a later
/// failure of the same kind replaces it.
/// </summary>
/// <param name="JobId">The job.</param>
/// <param name="Kind">What failed.</param>
/// <param name="TimestampMs">When it failed, in milliseconds since the Unix epoch.</param>
/// <param name="CheckpointId">
/// For a failed checkpoint its id; for a job failure the job's last complete checkpoint then (what it restarts from);
/// <c>null</c> when none.
/// </param>
/// <param name="Message">What happened (exception type and message), at most <see cref="MaxMessageLength"/> characters.</param>
public sealed record JobFailure(string JobId, JobFailureKind Kind, long TimestampMs, long? CheckpointId, string Message)
{
    /// <summary>The longest message stored; a longer one is cut there.</summary>
    public const int MaxMessageLength = 2000;
}


namespace ActorFlow.Topology.Runtime;

/// <summary>
/// A job cannot start from the checkpoint it was asked to restore (by default its latest complete one): a key
/// group's snapshot is missing or unreadable, or the checkpoint record itself is corrupt. Nothing was processed.
/// Start the job again with <see cref="JobRunnerOptions.RestoreCheckpointId"/> set to one of
/// <see cref="EarlierCheckpointIds"/> (newest first) to restore the previous complete checkpoint; its sources then
/// replay everything after that checkpoint's offsets.
/// </summary>
public sealed class RecoveryFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="job">The job.</param>
    /// <param name="checkpointId">The checkpoint that could not be restored.</param>
    /// <param name="keyGroup">The key group whose snapshot failed, or <c>null</c> when the checkpoint record failed.</param>
    /// <param name="earlierCheckpointIds">Readable complete checkpoints older than <paramref name="checkpointId"/>, newest first.</param>
    /// <param name="reason">What went wrong.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public RecoveryFailedException(string job, long checkpointId, int? keyGroup, IReadOnlyList<long> earlierCheckpointIds, string reason, Exception? inner = null)
        : base(Describe(job, checkpointId, keyGroup, earlierCheckpointIds, reason), inner)
    {
        ArgumentNullException.ThrowIfNull(earlierCheckpointIds);
        JobName = job;
        CheckpointId = checkpointId;
        KeyGroup = keyGroup;
        EarlierCheckpointIds = earlierCheckpointIds;
    }

    /// <summary>The job that could not recover.</summary>
    public string JobName { get; }

    /// <summary>The checkpoint that could not be restored.</summary>
    public long CheckpointId { get; }

    /// <summary>The key group whose snapshot could not be restored, or <c>null</c> when the checkpoint record is unreadable or absent.</summary>
    public int? KeyGroup { get; }

    /// <summary>The readable complete checkpoints (and savepoints) older than <see cref="CheckpointId"/>, newest first; empty when none.</summary>
    public IReadOnlyList<long> EarlierCheckpointIds { get; }

    private static string Describe(string job, long checkpointId, int? keyGroup, IReadOnlyList<long> earlier, string reason)
    {
        var what = keyGroup is { } kg ? $"key group {kg} of checkpoint {checkpointId}" : $"checkpoint {checkpointId}";
        var offer = earlier is { Count: > 0 }
            ? $" Earlier complete checkpoints: {string.Join(", ", earlier)}; start the job with JobRunnerOptions.RestoreCheckpointId = {earlier[0]} to restore the previous one (its sources replay from that checkpoint's offsets)."
            : " There is no earlier complete checkpoint to restore.";
        return $"Job '{job}' cannot recover from {what}: {reason}{offer}";
    }
}

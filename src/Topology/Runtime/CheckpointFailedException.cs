
namespace ActorFlow.Topology.Runtime;

/// <summary>A checkpoint could not complete; the previous complete checkpoint stays the recovery point.</summary>
public sealed class CheckpointFailedException(string job, long checkpointId, Exception inner)
    : Exception($"Checkpoint {checkpointId} of job '{job}' failed: {inner.Message}", inner)
{
    /// <summary>The failed checkpoint's id.</summary>
    public long CheckpointId { get; } = checkpointId;
}

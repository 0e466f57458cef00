
namespace ActorFlow.Topology.Runtime;

/// <summary>
/// A key group could not apply a batch because its state is not the one the batch follows (it restarted, or it
/// restored a checkpoint after its node was lost). The job fails over to its last complete checkpoint.
/// </summary>
public sealed class KeyGroupStateLostException(string job, int keyGroup, string reason)
    : Exception($"Key group {keyGroup} of job '{job}' lost its state since the run started: {reason}")
{
    /// <summary>The key group.</summary>
    public int KeyGroup { get; } = keyGroup;
}

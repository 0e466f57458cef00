using System.Collections.Concurrent;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. The key groups of one job on this node whose operator threw while firing and could not be restarted
/// alone, so the job failed over. Their next incarnation isolates failures of firings from the start (a firing that
/// throws becomes a dead letter), so that a key whose window function always throws cannot make the job fail over
/// forever: the replay reaches the same firing and dead-letters it.
/// </summary>
internal sealed class PoisonedKeyGroups
{
    private readonly ConcurrentDictionary<int, byte> _keyGroups = new();

    /// <summary>Marks <paramref name="keyGroup"/> for isolation in its next incarnation.</summary>
    public void Mark(int keyGroup) => _keyGroups[keyGroup] = 0;

    /// <summary>Whether <paramref name="keyGroup"/> was marked; takes the mark.</summary>
    public bool Take(int keyGroup) => _keyGroups.TryRemove(keyGroup, out _);
}

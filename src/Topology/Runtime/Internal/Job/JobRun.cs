using ActorFlow.Topology.Connectors;
using Akka.Actor;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. One run of a job: from a restore point until it stops or fails. <see cref="Dispatcher"/> is its first
/// hop (sources, checkpoints), <see cref="Hops"/> the later hops of a job graph.
/// </summary>
internal sealed record JobRun(ISourceControl Control, Task Completion, BatchDispatcher Dispatcher, IActorRef? Region, IReadOnlyList<HopDispatcher> Hops)
{
    /// <summary>
    /// Every key-group entity this run has sent to or restored, of every hop (read once the stream has stopped); not the
    /// first hop's when it ran them in place (batch mode: no entity of theirs was started).
    /// </summary>
    public IEnumerable<int> KeyGroups => (Dispatcher.InPlace is null ? Dispatcher.KeyGroups : []).Concat(Hops.SelectMany(h => h.KeyGroups));
}

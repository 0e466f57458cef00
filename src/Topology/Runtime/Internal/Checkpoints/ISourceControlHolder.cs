namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>INTERNAL API. Lets the coordinator commit through the source once the job's stream has materialised.</summary>
internal interface ISourceControlHolder
{
    Task CommitAsync(IReadOnlyDictionary<string, long> nextOffsets);
}

using ActorFlow.Topology.Connectors;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>INTERNAL API. A chunk entering the watermark assigner: records of one partition, or a periodic tick (null partition).</summary>
internal readonly record struct Incoming<T>(string? Partition, IReadOnlyList<SourceRecord<T>>? Records)
{
    public bool IsTick => Partition is null;
}

using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Runtime.Internal;

namespace ActorFlow.Topology.Dsl;

/// <summary>A built, validated job. Run it with <see cref="Runtime.JobRunner"/>.</summary>
public sealed class StreamJob
{
    internal StreamJob(string name, JobGraph plan, ISinkConnector<DeadLetterRecord>? deadLetters, int maxParallelism)
    {
        Name = name;
        Plan = plan;
        DeadLetters = deadLetters;
        MaxParallelism = maxParallelism;
    }

    /// <summary>The job's name.</summary>
    public string Name { get; }

    /// <summary>Number of key groups.</summary>
    public int MaxParallelism { get; }

    internal JobGraph Plan { get; }

    internal ISinkConnector<DeadLetterRecord>? DeadLetters { get; }

    /// <summary>How the records of a keyed job cross nodes; null for a stateless job (nothing crosses nodes).</summary>
    internal JobWireFormat? Wire { get; init; }
}

using ActorFlow.Topology.Connectors;
using Akka;
using Akka.Streams.Dsl;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>INTERNAL API. A validated job with its types erased, as the runner needs it.</summary>
internal interface IJobPlan
{
    string OperatorName { get; }

    /// <summary>False for a stateless job: records go straight to the sink, no key groups.</summary>
    bool IsKeyed { get; }

    /// <summary>The main sink as a write-ahead target when it is an <see cref="ICheckpointedSink{T}"/> (keyed jobs only).</summary>
    IWriteAheadTarget? WriteAhead { get; }

    IKeyGroupHost CreateHost();

    /// <summary>Source side up to key-by: chunks of routed records (a failing key selector adds a dead letter).</summary>
    Source<Chunk<Routed>, ISourceControl> Build(int maxParallelism, JobRunnerOptions options);

    /// <summary>The main sink for emitted records, a dispatched batch's output at a time.</summary>
    Sink<IReadOnlyList<Emitted>, Task<Done>> MainSink();

    IReadOnlyDictionary<string, Func<Sink<Emitted, Task<Done>>>> SideSinks { get; }
}

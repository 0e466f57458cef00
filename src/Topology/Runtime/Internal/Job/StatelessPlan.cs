using ActorFlow.Topology.Connectors;
using Akka;
using Akka.Streams.Dsl;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>INTERNAL API. A job without keyed state: source → stateless steps → sink.</summary>
internal sealed class StatelessPlan<T>(Func<TimeProvider, JobRunnerOptions, Source<Chunk<T>, ISourceControl>> source, ISinkConnector<T> sink) : IJobPlan
{
    public string OperatorName => "stateless";

    public bool IsKeyed => false;

    public IWriteAheadTarget? WriteAhead => null;

    public IReadOnlyDictionary<string, Func<Sink<Emitted, Task<Done>>>> SideSinks { get; } = new Dictionary<string, Func<Sink<Emitted, Task<Done>>>>();

    public IKeyGroupHost CreateHost() => throw new InvalidOperationException("A stateless job has no key groups.");

    public Source<Chunk<Routed>, ISourceControl> Build(int maxParallelism, JobRunnerOptions options) =>
        source(options.Clock, options).Select(KeyBy.Unkeyed);

    public Sink<IReadOnlyList<Emitted>, Task<Done>> MainSink() => MainOutput.Sink(sink);
}

using ActorFlow.Operators;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Dsl;
using Akka;
using Akka.Streams.Dsl;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>INTERNAL API. The typed plan.</summary>
internal sealed class JobPlan<TKey, T, TOut>(
    Func<TimeProvider, JobRunnerOptions, Source<Chunk<T>, ISourceControl>> source,
    Func<T, TKey> selector,
    IKeyCodec<TKey> codec,
    string operatorName,
    Func<IKeyedOperator<TKey, T, TOut>> factory,
    ISinkConnector<TOut> sink,
    IReadOnlyDictionary<string, Func<Sink<Emitted, Task<Done>>>> sideSinks,
    IReadOnlySet<string> sidesToDeadLetters) : IJobPlan
    where TKey : notnull
{
    public string OperatorName => operatorName;

    public bool IsKeyed => true;

    public IWriteAheadTarget? WriteAhead => sink is ICheckpointedSink<TOut> checkpointed ? new WriteAheadTarget<TOut>(checkpointed) : null;

    public IReadOnlyDictionary<string, Func<Sink<Emitted, Task<Done>>>> SideSinks => sideSinks;

    public IKeyGroupHost CreateHost()
    {
        // Operators built without a clock of their own read this one, which the host sets to each input's processing
        // time: a local restart's replay then reads the same times (DrivenClock).
        var clock = new ActorFlow.Operators.DrivenClock();
        using (ActorFlow.Operators.DrivenClock.Building(clock))
        {
            return new KeyGroupHost<TKey, T, TOut>(factory(), operatorName, clock, sidesToDeadLetters);
        }
    }

    public Source<Chunk<Routed>, ISourceControl> Build(int maxParallelism, JobRunnerOptions options) =>
        source(options.Clock, options).Select(c => KeyBy.Route(c, selector, codec, maxParallelism));

    public Sink<IReadOnlyList<Emitted>, Task<Done>> MainSink() => MainOutput.Sink(sink);
}

using ActorFlow.Operators;
using ActorFlow.Persistence.Partitioning;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Dsl;
using Akka;
using Akka.Streams.Dsl;

namespace ActorFlow.Topology.Runtime;

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

/// <summary>INTERNAL API. The typed plan.</summary>
internal sealed class JobPlan<TKey, T, TOut>(
    Func<TimeProvider, JobRunnerOptions, Source<Chunk<T>, ISourceControl>> source,
    Func<T, TKey> selector,
    IKeyCodec<TKey> codec,
    string operatorName,
    Func<IKeyedOperator<TKey, T, TOut>> factory,
    ISinkConnector<TOut> sink,
    IReadOnlyDictionary<string, Func<Sink<Emitted, Task<Done>>>> sideSinks) : IJobPlan
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
            return new KeyGroupHost<TKey, T, TOut>(factory(), operatorName, clock);
        }
    }

    public Source<Chunk<Routed>, ISourceControl> Build(int maxParallelism, JobRunnerOptions options) =>
        source(options.Clock, options).Select(c => Route(c, maxParallelism));

    public Sink<IReadOnlyList<Emitted>, Task<Done>> MainSink() => MainOutput.Sink(sink);

    private Chunk<Routed> Route(Chunk<T> chunk, int maxParallelism) =>
        chunk.Select(e =>
        {
            var key = selector(e.Value) ?? throw new InvalidOperationException("the key selector returned null");
            return new Routed(KeyGroups.ForKey(codec.Encode(key), maxParallelism), key, e.Value, e.Timestamp);
        }, "KeyBy");
}

/// <summary>INTERNAL API. The main output of a job: the main records of each dispatched batch, in order, into the user's sink.</summary>
internal static class MainOutput
{
    public static Sink<IReadOnlyList<Emitted>, Task<Done>> Sink<TOut>(ISinkConnector<TOut> sink) =>
        Flow.Create<IReadOnlyList<Emitted>>()
            .SelectMany(Values<TOut>)
            .ToMaterialized(sink.Sink(), Keep.Right);

    private static IEnumerable<TOut> Values<TOut>(IReadOnlyList<Emitted> batch)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            if (batch[i].Kind == EmittedKind.Main)
            {
                yield return (TOut)batch[i].Value!;
            }
        }
    }
}

/// <summary>INTERNAL API. A job without keyed state: source → stateless steps → sink.</summary>
internal sealed class StatelessPlan<T>(Func<TimeProvider, JobRunnerOptions, Source<Chunk<T>, ISourceControl>> source, ISinkConnector<T> sink) : IJobPlan
{
    public string OperatorName => "stateless";

    public bool IsKeyed => false;

    public IWriteAheadTarget? WriteAhead => null;

    public IReadOnlyDictionary<string, Func<Sink<Emitted, Task<Done>>>> SideSinks { get; } = new Dictionary<string, Func<Sink<Emitted, Task<Done>>>>();

    public IKeyGroupHost CreateHost() => throw new InvalidOperationException("A stateless job has no key groups.");

    public Source<Chunk<Routed>, ISourceControl> Build(int maxParallelism, JobRunnerOptions options) =>
        source(options.Clock, options).Select(Unkeyed);

    public Sink<IReadOnlyList<Emitted>, Task<Done>> MainSink() => MainOutput.Sink(sink);

    // Cannot throw: no user code runs here.
    private static Chunk<Routed> Unkeyed(Chunk<T> chunk) =>
        chunk.Select(e => new Routed(-1, NoKey.Instance, e.Value, e.Timestamp), "KeyBy");

    private sealed class NoKey
    {
        public static readonly NoKey Instance = new();
    }
}

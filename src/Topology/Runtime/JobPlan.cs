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

    /// <summary>Source side up to key-by: elements become routed records (or watermark ticks and dead letters).</summary>
    Source<Dispatchable, ISourceControl> Build(int maxParallelism, JobRunnerOptions options);

    /// <summary>The main sink for emitted records.</summary>
    Sink<Emitted, Task<Done>> MainSink();

    IReadOnlyDictionary<string, Func<Sink<Emitted, Task<Done>>>> SideSinks { get; }
}

/// <summary>INTERNAL API. The typed plan.</summary>
internal sealed class JobPlan<TKey, T, TOut>(
    Func<TimeProvider, JobRunnerOptions, Source<Element<T>, ISourceControl>> source,
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

    public IKeyGroupHost CreateHost() => new KeyGroupHost<TKey, T, TOut>(factory(), operatorName);

    public Source<Dispatchable, ISourceControl> Build(int maxParallelism, JobRunnerOptions options) =>
        source(options.Clock, options).Select(e => Route(e, maxParallelism));

    public Sink<Emitted, Task<Done>> MainSink() =>
        Flow.Create<Emitted>()
            .Where(e => e.Kind == EmittedKind.Main)
            .Select(e => (TOut)e.Value!)
            .ToMaterialized(sink.Sink(), Keep.Right);

    private Dispatchable Route(Element<T> e, int maxParallelism)
    {
        if (e.Kind != ElementKind.Record)
        {
            return new Dispatchable(e.Kind, default, e.Watermark, e.Dead, e.Origin, e.Offset);
        }

        try
        {
            var key = selector(e.Value) ?? throw new InvalidOperationException("the key selector returned null");
            var group = KeyGroups.ForKey(codec.Encode(key), maxParallelism);
            return new Dispatchable(ElementKind.Record, new Routed(group, key, e.Value, e.Timestamp), e.Watermark, null, e.Origin, e.Offset);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            var dead = e.Failed<T>("KeyBy", error);
            return new Dispatchable(ElementKind.Dead, default, e.Watermark, dead.Dead, e.Origin, e.Offset);
        }
    }
}

/// <summary>INTERNAL API. A job without keyed state: source → stateless steps → sink.</summary>
internal sealed class StatelessPlan<T>(Func<TimeProvider, JobRunnerOptions, Source<Element<T>, ISourceControl>> source, ISinkConnector<T> sink) : IJobPlan
{
    public string OperatorName => "stateless";

    public bool IsKeyed => false;

    public IWriteAheadTarget? WriteAhead => null;

    public IReadOnlyDictionary<string, Func<Sink<Emitted, Task<Done>>>> SideSinks { get; } = new Dictionary<string, Func<Sink<Emitted, Task<Done>>>>();

    public IKeyGroupHost CreateHost() => throw new InvalidOperationException("A stateless job has no key groups.");

    public Source<Dispatchable, ISourceControl> Build(int maxParallelism, JobRunnerOptions options) =>
        source(options.Clock, options).Select(e => new Dispatchable(
            e.Kind, e.Kind == ElementKind.Record ? new Routed(-1, NoKey.Instance, e.Value, e.Timestamp) : default, e.Watermark, e.Dead, e.Origin, e.Offset));

    public Sink<Emitted, Task<Done>> MainSink() =>
        Flow.Create<Emitted>()
            .Where(e => e.Kind == EmittedKind.Main)
            .Select(e => (T)e.Value!)
            .ToMaterialized(sink.Sink(), Keep.Right);

    private sealed class NoKey
    {
        public static readonly NoKey Instance = new();
    }
}

using ActorFlow.Operators;
using ActorFlow.Operators.Serialization;
using ActorFlow.Topology.Connectors;
using Akka;
using Akka.Streams.Dsl;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. A job as a graph: sources, keyed stages, the streams between them and the sinks. Its keyed stages
/// run in hops: a stage fed by sources runs in hop 1, a stage fed by the output of a stage of hop h in hop h + 1 (a
/// re-partition: the records go back to the runner node and are routed by their new key), a chained stage in the hop
/// of the stage it is chained to (same key group, no hop). Every hop has its own key-group entities: entity
/// <c>(h - 1) * maxParallelism + keyGroup</c> runs the stages of hop h for that key group (hop 1 keeps the ids of jobs
/// before job graphs). See docs/runtime.md, "Job graphs".
/// </summary>
internal sealed class JobGraph
{
    private readonly List<Func<bool>> _streams = [];
    private readonly List<(Func<bool> Consumed, Func<string> Description)> _unconsumed = [];

    public List<SourceRoot> Roots { get; } = [];

    public List<StageNode> Stages { get; } = [];

    public List<Channel> Channels { get; } = [];

    /// <summary>Input ports by id: the stage and which of its inputs.</summary>
    public List<(StageNode Stage, int Input)> Ports { get; } = [];

    public List<SinkNode> Sinks { get; } = [];

    /// <summary>The job's serializers (<c>StreamJobBuilder.WithSerializers</c>); its operators find the types their own registries lack here.</summary>
    public SerializerRegistry Serializers { get; set; } = new();

    /// <summary>The broadcast streams made: whether connected, and what they broadcast.</summary>
    public List<(Func<bool> Connected, string Description)> Broadcasts { get; } = [];

    public int MaxParallelism { get; set; }

    /// <summary>The number of hops (0: a job without keyed stages).</summary>
    public int Hops => Stages.Count == 0 ? 0 : Stages.Max(s => s.Hop);

    public bool IsKeyed => Stages.Count > 0;

    /// <summary>Whether every source of the job is bounded (the job ends by itself).</summary>
    public bool IsBounded => Roots.All(r => r.Boundedness == Boundedness.Bounded);

    /// <summary>The key-group count its keyed state lives in (<see cref="MaxParallelism"/>), or null without keyed stages.</summary>
    public int? KeyGroupCount => IsKeyed ? MaxParallelism : null;

    /// <summary>Names the job's stages (for metrics and logs).</summary>
    public string OperatorNames => Stages.Count == 0 ? "stateless" : string.Join(",", Stages.Select(s => s.Name));

    public Channel AddChannel(StageNode stage, string? tag, Func<SerializerRegistry, ValueCodec> codec)
    {
        var channel = new Channel(Channels.Count, stage, tag, codec);
        Channels.Add(channel);
        return channel;
    }

    public int AddPort(StageNode stage, int input)
    {
        Ports.Add((stage, input));
        return Ports.Count - 1;
    }

    public int AddSink<T>(ISinkConnector<T> sink, string description)
    {
        var id = Sinks.Count;
        Func<Sink<IReadOnlyList<Emitted>, Task<Done>>> build = sink is IBatchSinkConnector<T> batched
            ? () => SinkNode.Batches<T>(id).ToMaterialized(batched.BatchSink(), Keep.Right)
            : () => SinkNode.Values<T>(id).ToMaterialized(sink.Sink(), Keep.Right);
        Sinks.Add(new SinkNode(id, description, build,
            sink is ICheckpointedSink<T> checkpointed ? new WriteAheadTarget<T>(checkpointed) : null,
            sink is ITwoPhaseCommitSink<T> twoPhase ? new TwoPhaseCommitTarget<T>(twoPhase) : null,
            sink is IFlushingSinkConnector<T> flushing and not ICheckpointedSink<T> and not ITwoPhaseCommitSink<T> ? new FlushingTarget<T>(flushing) : null)
        {
            Checked = sink as ICheckedSink,
        });
        return id;
    }

    /// <summary>Remembers a stream made by the DSL, to report it at <c>Build()</c> when nothing consumes it.</summary>
    public void Track<T>(StreamOrigin<T> origin) => _unconsumed.Add((() => origin.Consumed, () => origin.Description));

    /// <summary>The first stream nobody consumes, if any.</summary>
    public string? Unconsumed() => _unconsumed.FirstOrDefault(s => !s.Consumed()).Description?.Invoke();

    /// <summary>Fixes what the graph's shape decides once it is complete: which built-in side outputs go to the dead letters.</summary>
    public void Complete()
    {
        foreach (var stage in Stages)
        {
            // Late and rejected records nobody takes go to the dead letters, so they are never only a counter.
            stage.SidesToDeadLetters = new[] { OutputTags.LateDataId, OutputTags.LateDataRightId, OutputTags.RejectedId }
                .Where(id => !stage.Sides.ContainsKey(id) && !stage.Discarded.Contains(id))
                .ToHashSet(StringComparer.Ordinal);
        }
    }

    /// <summary>The first entity id of hop <paramref name="hop"/> (1-based).</summary>
    public int FirstEntityOf(int hop) => (hop - 1) * MaxParallelism;

    /// <summary>
    /// The operators of entity <paramref name="entity"/>: the stages of its hop for its key group; in batch mode
    /// (<paramref name="endsProcessingTime"/>) the end of the input fires their pending processing-time timers too.
    /// </summary>
    public StageGroupHost CreateHost(int entity, bool endsProcessingTime, bool allowNonRestoredState = false)
    {
        var hop = (entity / MaxParallelism) + 1;
        return new StageGroupHost(Stages.Where(s => s.Hop == hop), entity % MaxParallelism, MaxParallelism, endsProcessingTime, allowNonRestoredState);
    }

    /// <summary>
    /// The first hop's input: every source's chunks routed to their consumers, merged (the minimum of their watermarks);
    /// with <paramref name="preAggregate"/> a key-by fused into its source folds records for a stage that pre-aggregates.
    /// </summary>
    public Source<Chunk<Keyed>, ISourceControl> BuildSources(JobRunnerOptions options, bool preAggregate = false)
    {
        var sources = Roots.Select(r => r.Build(options.Clock, options, preAggregate)).ToList();
        return sources.Count == 1 ? sources[0] : UnionGraph.Build(sources);
    }

    /// <summary>
    /// After a hop: the records its stages emitted to a stream read on the runner node go through that stream's steps
    /// to their next stage's input or sink; everything else keeps its place.
    /// </summary>
    public IReadOnlyList<Emitted> Route(IReadOnlyList<Emitted> batch)
    {
        List<Emitted>? routed = null;
        for (var i = 0; i < batch.Count; i++)
        {
            var e = batch[i];
            if (e.Kind is not (EmittedKind.Main or EmittedKind.Side))
            {
                routed?.Add(e);
                continue;
            }

            if (routed is null)
            {
                routed = new List<Emitted>(batch.Count);
                for (var j = 0; j < i; j++)
                {
                    routed.Add(batch[j]);
                }
            }

            if (e.Output >= 0)
            {
                foreach (var consumer in Channels[e.Output].Consumers)
                {
                    consumer(e.Value, e.Timestamp, routed);
                }
            }
        }

        return routed ?? batch;
    }

    /// <summary>How the job's records cross nodes.</summary>
    public JobWireFormat WireFormat(SerializerRegistry registry) => JobWireFormat.Create(this, registry);
}

/// <summary>INTERNAL API. A sink of the job graph.</summary>
internal sealed class SinkNode(
    int id, string description, Func<Sink<IReadOnlyList<Emitted>, Task<Done>>> build, IWriteAheadTarget? writeAhead, ITwoPhaseCommitTarget? twoPhase = null, ITwoPhaseCommitTarget? flushing = null)
{
    public int Id => id;

    public string Description => description;

    /// <summary>The sink over the output stream: the records addressed to it, in order.</summary>
    public Func<Sink<IReadOnlyList<Emitted>, Task<Done>>> Build => build;

    /// <summary>The sink as a write-ahead target when it is an <see cref="ICheckpointedSink{T}"/>.</summary>
    public IWriteAheadTarget? WriteAhead => writeAhead;

    /// <summary>The sink as a two-phase-commit target when it is an <see cref="ITwoPhaseCommitSink{T}"/>.</summary>
    public ITwoPhaseCommitTarget? TwoPhase => twoPhase;

    /// <summary>
    /// The sink as a flushed-at-each-barrier target (run through the two-phase-commit path, nothing to commit) when it is
    /// an <see cref="IFlushingSinkConnector{T}"/>; unlike <see cref="TwoPhase"/> it does not make a job take checkpoints.
    /// </summary>
    public ITwoPhaseCommitTarget? Flushing => flushing;

    /// <summary>The sink when it can check its settings before the job starts (<see cref="ICheckedSink"/>).</summary>
    public ICheckedSink? Checked { get; init; }

    public static Flow<IReadOnlyList<Emitted>, T, NotUsed> Values<T>(int sink) =>
        Flow.Create<IReadOnlyList<Emitted>>().SelectMany(batch => Of<T>(batch, sink));

    /// <summary>
    /// The records addressed to sink <paramref name="sink"/> a job batch at a time, with their event timestamps (for an
    /// <see cref="IBatchSinkConnector{T}"/>): one list per batch that has any, in order.
    /// </summary>
    public static Flow<IReadOnlyList<Emitted>, IReadOnlyList<TimestampedValue<T>>, NotUsed> Batches<T>(int sink) =>
        Flow.Create<IReadOnlyList<Emitted>>().Select(batch => ArrayOf<T>(batch, sink)).Where(values => values.Count > 0);

    private static IReadOnlyList<TimestampedValue<T>> ArrayOf<T>(IReadOnlyList<Emitted> batch, int sink)
    {
        var count = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            var e = batch[i];
            if (e.Kind == EmittedKind.Sink && e.Output == sink)
            {
                count++;
            }
        }

        if (count == 0)
        {
            return [];
        }

        var values = new TimestampedValue<T>[count];
        var next = 0;
        for (var i = 0; i < batch.Count && next < count; i++)
        {
            var e = batch[i];
            if (e.Kind == EmittedKind.Sink && e.Output == sink)
            {
                values[next++] = new TimestampedValue<T>((T)e.Value!, e.Timestamp);
            }
        }

        return values;
    }

    private static IEnumerable<T> Of<T>(IReadOnlyList<Emitted> batch, int sink)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            if (batch[i].Kind == EmittedKind.Sink && batch[i].Output == sink)
            {
                yield return (T)batch[i].Value!;
            }
        }
    }
}

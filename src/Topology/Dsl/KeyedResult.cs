using ActorFlow.Operators;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Runtime.Internal;
using Akka;
using Akka.Streams.Dsl;

namespace ActorFlow.Topology.Dsl;

/// <summary>The output of a keyed operator: send it to a sink, and side outputs (such as late data) to theirs.</summary>
public sealed class KeyedResult<TKey, T, TOut>
    where TKey : notnull
{
    private readonly KeyedStream<TKey, T> _keyed;
    private readonly string _name;
    private readonly Func<IKeyedOperator<TKey, T, TOut>> _factory;
    private readonly Dictionary<string, Func<Sink<Emitted, Task<Done>>>> _sides = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<Operators.Serialization.SerializerRegistry, ValueCodec>> _sideCodecs = new(StringComparer.Ordinal);
    private readonly HashSet<string> _discarded = new(StringComparer.Ordinal);

    internal KeyedResult(KeyedStream<TKey, T> keyed, string name, Func<IKeyedOperator<TKey, T, TOut>> factory)
    {
        _keyed = keyed;
        _name = name;
        _factory = factory;
    }

    /// <summary>Sends the records the operator emits to side output <paramref name="tag"/> into <paramref name="sink"/>.</summary>
    public KeyedResult<TKey, T, TOut> SideOutputTo<TSide>(OutputTag<TSide> tag, ISinkConnector<TSide> sink)
    {
        ArgumentNullException.ThrowIfNull(tag);
        ArgumentNullException.ThrowIfNull(sink);
        if (_discarded.Contains(tag.Id) || !_sides.TryAdd(tag.Id, () => Flow.Create<Emitted>()
                .Where(e => e.Kind == EmittedKind.Side && e.Tag == tag.Id)
                .Select(e => tag.ReadValue(e.Value))
                .ToMaterialized(sink.Sink(), Keep.Right)))
        {
            throw new ArgumentException($"Side output '{tag.Id}' already has a sink or is discarded.", nameof(tag));
        }

        _sideCodecs[tag.Id] = ValueCodec.For<TSide>;

        return this;
    }

    /// <summary>
    /// Counts the records the operator emits to side output <paramref name="tag"/> and drops them. By default the
    /// records of the late-data and rejected side outputs (<see cref="OutputTags.LateData{T}"/>,
    /// <see cref="OutputTags.Rejected{T}"/>) that have no sink of their own go to the job's dead-letter output, with
    /// the reason and the record's source position and bytes; this opts one of them out (counted by
    /// <c>actorflow.records.late</c> only).
    /// </summary>
    public KeyedResult<TKey, T, TOut> DiscardSideOutput<TSide>(OutputTag<TSide> tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        if (_sides.ContainsKey(tag.Id) || !_discarded.Add(tag.Id))
        {
            throw new ArgumentException($"Side output '{tag.Id}' already has a sink or is already discarded.", nameof(tag));
        }

        return this;
    }

    /// <summary>Sends the operator's main output to <paramref name="sink"/>; ends the stream definition.</summary>
    public StreamJobBuilder To(ISinkConnector<TOut> sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var job = _keyed.Stream.Job;
        if (job.Plan is not null)
        {
            throw new InvalidOperationException($"Job '{job.Name}' already has a sink.");
        }

        job.WireFormat = registry => JobWireFormat.Create<TKey, T, TOut>(registry, _sideCodecs);
        job.ConnectedSources = _keyed.Stream.SourceNames;
        // Late and rejected records nobody takes go to the dead letters, so they are never only a counter.
        var toDeadLetters = new[] { OutputTags.LateDataId, OutputTags.LateDataRightId, OutputTags.RejectedId }
            .Where(id => !_sides.ContainsKey(id) && !_discarded.Contains(id))
            .ToHashSet(StringComparer.Ordinal);
        job.Plan = new JobPlan<TKey, T, TOut>(_keyed.Stream.BuildSource, _keyed.Selector, _keyed.Codec, _name, _factory, sink, _sides, toDeadLetters);
        return job;
    }
}

using ActorFlow.Operators;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Runtime.Internal;

namespace ActorFlow.Topology.Dsl;

/// <summary>
/// The output of a keyed operator: a stream of its main output (process it further, key it again, send it to one or
/// more sinks) and its side outputs (<see cref="SideOutput{TSide}"/>).
/// </summary>
public sealed class KeyedResult<TKey, T, TOut> : DataStream<TOut>
    where TKey : notnull
{
    private readonly StageNode _stage;
    private readonly IKeyCodec<TKey> _codec;

    internal KeyedResult(StreamJobBuilder job, StageNode stage, IKeyCodec<TKey> codec)
        : base(job, new ChannelOrigin<TOut>(stage.Main, v => (TOut)v!))
    {
        _stage = stage;
        _codec = codec;
    }

    /// <summary>The stage that runs the operator.</summary>
    internal StageNode Stage => _stage;

    /// <summary>The operator's name.</summary>
    public string Name => _stage.Name;

    /// <summary>
    /// The records the operator emits to side output <paramref name="tag"/> (late data, rejected records, or a tag of
    /// the user's function), as a stream.
    /// </summary>
    public DataStream<TSide> SideOutput<TSide>(OutputTag<TSide> tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        return new DataStream<TSide>(Job, new ChannelOrigin<TSide>(_stage.SideChannel(tag), tag.ReadValue));
    }

    /// <summary>Sends the records the operator emits to side output <paramref name="tag"/> into <paramref name="sink"/>.</summary>
    public KeyedResult<TKey, T, TOut> SideOutputTo<TSide>(OutputTag<TSide> tag, ISinkConnector<TSide> sink)
    {
        ArgumentNullException.ThrowIfNull(tag);
        ArgumentNullException.ThrowIfNull(sink);
        if (_stage.Sides.ContainsKey(tag.Id) || _stage.Discarded.Contains(tag.Id))
        {
            throw new ArgumentException($"Side output '{tag.Id}' already has a sink or is discarded.", nameof(tag));
        }

        SideOutput(tag).To(sink);
        return this;
    }

    /// <summary>
    /// Counts the records the operator emits to side output <paramref name="tag"/> and drops them. By default the
    /// records of the late-data and rejected side outputs (<see cref="OutputTags.LateData{T}"/>,
    /// <see cref="OutputTags.Rejected{T}"/>) that no stream reads go to the job's dead-letter output, with the reason
    /// and the record's source position and bytes; this opts one of them out (counted by
    /// <c>actorflow.records.late</c> only).
    /// </summary>
    public KeyedResult<TKey, T, TOut> DiscardSideOutput<TSide>(OutputTag<TSide> tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        if (_stage.Sides.ContainsKey(tag.Id) || !_stage.Discarded.Add(tag.Id))
        {
            throw new ArgumentException($"Side output '{tag.Id}' already has a sink or is already discarded.", nameof(tag));
        }

        return this;
    }

    /// <summary>
    /// The operator's output, keyed by the same key it was emitted under, for the next keyed operator to run in the
    /// same key groups: chained to this one (Flink's operator chaining after <c>reinterpretAsKeyedStream</c>), with
    /// no hop and one snapshot for both. <paramref name="selector"/> must give each record the key it was emitted
    /// under (for a window result: the window's key); a record whose key belongs to another key group becomes a dead
    /// letter naming the next operator. To partition by another key, use <see cref="DataStream{T}.KeyBy{TKey}"/>.
    /// </summary>
    public KeyedStream<TKey, TOut> KeepKey(Func<TOut, TKey> selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        return new KeyedStream<TKey, TOut>(this, selector, _codec, _stage);
    }
}

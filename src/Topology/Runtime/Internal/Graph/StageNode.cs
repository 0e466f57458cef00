using ActorFlow.Operators;
using ActorFlow.Operators.Serialization;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. A keyed stage of a job graph: one operator, run in every key group of its hop. Its inputs are ports
/// (records routed to it by key) or, when chained, the main output of the stage it is chained to (same key group, no
/// hop). Its outputs are channels: the main output and each side output some stream reads.
/// </summary>
internal abstract class StageNode
{
    private readonly Dictionary<string, Channel> _sides = new(StringComparer.Ordinal);

    protected StageNode(JobGraph graph, string name, int hop, IEnumerable<string> sources, StageNode? chainedTo)
    {
        Graph = graph;
        Name = name;
        Hop = hop;
        Sources = [.. sources.Distinct(StringComparer.Ordinal)];
        ChainedTo = chainedTo;
        Title = $"operator '{name}'";
        Index = graph.Stages.Count;
        graph.Stages.Add(this);
        chainedTo?.Chained.Add(this);
    }

    public JobGraph Graph { get; }

    public int Index { get; }

    public string Name { get; }

    /// <summary>What errors call it: <c>operator 'name'</c>, or what kind of operator it is (<c>window join 'name'</c>).</summary>
    public string Title { get; set; }

    /// <summary>The hop whose key groups run it (1 for a stage fed by sources only).</summary>
    public int Hop { get; }

    public IReadOnlyList<string> Sources { get; }

    /// <summary>The stage whose main output feeds this one inside the same key group, if chained.</summary>
    public StageNode? ChainedTo { get; }

    /// <summary>The stages chained to this one's main output.</summary>
    public List<StageNode> Chained { get; } = [];

    /// <summary>The main output.</summary>
    public abstract Channel Main { get; }

    /// <summary>Side outputs some stream reads, by tag id.</summary>
    public IReadOnlyDictionary<string, Channel> Sides => _sides;

    /// <summary>Side outputs counted and dropped (not dead-lettered) by the user's choice.</summary>
    public HashSet<string> Discarded { get; } = new(StringComparer.Ordinal);

    /// <summary>The built-in side outputs (late, rejected) whose records go to the dead letters: set when the job is built.</summary>
    public IReadOnlySet<string> SidesToDeadLetters { get; set; } = new HashSet<string>();

    public Channel SideChannel<TSide>(OutputTag<TSide> tag)
    {
        if (Discarded.Contains(tag.Id))
        {
            throw new ArgumentException($"Side output '{tag.Id}' of operator '{Name}' is discarded.", nameof(tag));
        }

        if (!_sides.TryGetValue(tag.Id, out var channel))
        {
            _sides[tag.Id] = channel = Graph.AddChannel(this, tag.Id, ValueCodec.For<TSide>);
        }

        return channel;
    }

    /// <summary>Builds this stage's operator for one key group (on the node hosting it).</summary>
    public abstract IStageHost CreateHost(int keyGroup, int maxParallelism);

    /// <summary>
    /// Makes the operator twice, as two key groups make it, and drops both: what the factory throws fails the job's
    /// build (a missing serializer; a function object shared by the operators, which its second operator refuses), and
    /// so does one operator returned twice.
    /// </summary>
    public void Validate()
    {
        var first = NewOperator();
        if (ReferenceEquals(first, NewOperator()))
        {
            throw new InvalidOperationException("its factory returned the same operator twice: return a new operator on every call (each key group makes its own).");
        }

        EventTimeUse = (first as ActorFlow.Operators.Internal.IUsesEventTime)?.EventTimeUse;
        Validated(first);
    }

    /// <summary>Keeps what the stage needs of an operator its factory made at the job's build (<see cref="Validate"/>).</summary>
    protected virtual void Validated(object first)
    {
    }

    /// <summary>What of the stage's operator waits for the watermark (known once <see cref="Validate"/> ran), or null.</summary>
    public string? EventTimeUse { get; private set; }

    /// <summary>The stage's operator, made by its factory as a key group makes it (see <see cref="InJob{T}"/>).</summary>
    protected abstract object NewOperator();

    /// <summary>
    /// A combiner of the records of this stage's input (a batch run's pre-aggregation), from the operator made when the
    /// job was built (no factory call per run), or null when the stage's operator cannot take pre-aggregated records.
    /// </summary>
    public virtual ActorFlow.Operators.Internal.IWindowCombiner<TKey, TIn>? NewCombiner<TKey, TIn>() => null;

    /// <summary>Runs an operator factory with the job's serializers serving the types its own registry lacks.</summary>
    protected T InJob<T>(Func<T> factory)
    {
        using var scope = SerializerRegistry.ForJob(Graph.Serializers);
        return factory();
    }

    /// <summary>The serializers of the types this stage's records cross nodes as: per input port the key and the record.</summary>
    public abstract IEnumerable<(int Port, Func<SerializerRegistry, ValueCodec> Key, Func<SerializerRegistry, ValueCodec> Value)> PortCodecs { get; }
}

/// <summary>INTERNAL API. An output of a stage read by streams on the runner node (and, for the main output, by chained stages).</summary>
internal sealed class Channel(int id, StageNode stage, string? tag, Func<SerializerRegistry, ValueCodec> codec)
{
    public int Id => id;

    public StageNode Stage => stage;

    /// <summary>Null for the main output, else the side output's tag id.</summary>
    public string? Tag => tag;

    public Func<SerializerRegistry, ValueCodec> Codec => codec;

    public string Description => tag is null ? $"the output of operator '{stage.Name}'" : $"side output '{tag}' of operator '{stage.Name}'";

    /// <summary>What reads it on the runner node after the stage's hop, one record at a time.</summary>
    public List<Action<object?, long, List<Emitted>>> Consumers { get; } = [];

    /// <summary>Whether its records leave the key group (some consumer on the runner node reads them).</summary>
    public bool LeavesKeyGroup => Consumers.Count > 0;
}

/// <summary>INTERNAL API. A stage fed by one input: a window operator or a keyed process function.</summary>
internal sealed class OneInputStage<TKey, TIn, TOut> : StageNode
    where TKey : notnull
{
    private readonly Func<IKeyedOperator<TKey, TIn, TOut>> _factory;
    private readonly Func<TIn, TKey>? _chainKey;
    private readonly Dsl.IKeyCodec<TKey> _codec;

    // Made by the factory at the job's build, kept when it pre-aggregates: each run's combiner comes from it.
    private ActorFlow.Operators.Internal.IPreAggregating<TKey, TIn, TOut>? _preAggregating;

    public OneInputStage(JobGraph graph, string name, int hop, IEnumerable<string> sources, Func<IKeyedOperator<TKey, TIn, TOut>> factory, Dsl.IKeyCodec<TKey> codec, StageNode? chainedTo, Func<TIn, TKey>? chainKey)
        : base(graph, name, hop, sources, chainedTo)
    {
        _factory = factory;
        _codec = codec;
        _chainKey = chainKey;
        Main = graph.AddChannel(this, null, ValueCodec.For<TOut>);
        Port = chainedTo is null ? graph.AddPort(this, 0) : -1;
    }

    public override Channel Main { get; }

    /// <summary>The input port (-1 when chained).</summary>
    public int Port { get; }

    public override IEnumerable<(int Port, Func<SerializerRegistry, ValueCodec> Key, Func<SerializerRegistry, ValueCodec> Value)> PortCodecs =>
        Port < 0 ? [] : [(Port, ValueCodec.For<TKey>, ValueCodec.For<TIn>)];

    public override IStageHost CreateHost(int keyGroup, int maxParallelism) =>
        new OneInputStageHost<TKey, TIn, TOut>(this, InJob(_factory), keyGroup, maxParallelism, _chainKey, _codec);

    protected override object NewOperator() => InJob(_factory);

    public override ActorFlow.Operators.Internal.IWindowCombiner<TK, TI>? NewCombiner<TK, TI>() =>
        (_preAggregating as ActorFlow.Operators.Internal.IPreAggregating<TK, TI, TOut>)?.CreateCombiner();


    // Only the first hop's key groups run in place (a batch run's LocalKeyGroups); a later hop's entities take records:
    // a fold would not cross nodes as the stage's record type, and an entity's restart log would replay it. Whether the
    // operator can combine is asked per run (NewCombiner), so that no user code runs for it at the job's build.
    protected override void Validated(object first) =>
        _preAggregating = Port >= 0 && Hop == 1 ? first as ActorFlow.Operators.Internal.IPreAggregating<TKey, TIn, TOut> : null;
}

/// <summary>
/// INTERNAL API. A stage fed by two inputs keyed the same way (a join, a co-process function), or by a keyed input and a
/// broadcast input (its second port's records then reach every key group, without a key).
/// </summary>
internal sealed class TwoInputStage<TKey, T1, T2, TOut> : StageNode
    where TKey : notnull
{
    private readonly Func<ITwoInputKeyedOperator<TKey, T1, T2, TOut>> _factory;
    private readonly bool _broadcast;

    public TwoInputStage(JobGraph graph, string name, int hop, IEnumerable<string> sources, Func<ITwoInputKeyedOperator<TKey, T1, T2, TOut>> factory, bool broadcast)
        : base(graph, name, hop, sources, null)
    {
        _factory = factory;
        _broadcast = broadcast;
        Main = graph.AddChannel(this, null, ValueCodec.For<TOut>);
        Port1 = graph.AddPort(this, 0);
        Port2 = graph.AddPort(this, 1);
    }

    public override Channel Main { get; }

    public int Port1 { get; }

    public int Port2 { get; }

    public override IEnumerable<(int Port, Func<SerializerRegistry, ValueCodec> Key, Func<SerializerRegistry, ValueCodec> Value)> PortCodecs =>
        [(Port1, ValueCodec.For<TKey>, ValueCodec.For<T1>), (Port2, _broadcast ? ValueCodec.For<string> : ValueCodec.For<TKey>, ValueCodec.For<T2>)];

    public override IStageHost CreateHost(int keyGroup, int maxParallelism) =>
        new TwoInputStageHost<TKey, T1, T2, TOut>(this, InJob(_factory), _broadcast, keyGroup);

    protected override object NewOperator() => InJob(_factory);
}

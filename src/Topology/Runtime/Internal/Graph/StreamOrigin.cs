namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. Where the records of a stream of the job DSL come from, as a graph node that its consumers attach to:
/// a source, a keyed stage's output, a stateless step over another stream, or a union. Attaching is eager and
/// composes the steps into each consumer's <see cref="Terminal{T}"/>, so that a source read by several consumers is
/// still read once.
/// </summary>
internal abstract class StreamOrigin<T>(string description)
{
    /// <summary>Names the stream in messages ("the output of operator 'count'").</summary>
    public string Description { get; } = description;

    /// <summary>Whether any consumer is attached (a stream nobody consumes fails the build).</summary>
    public bool Consumed { get; private set; }

    /// <summary>The hop after which its records exist: 0 for records read from sources, else the hop of the keyed stage that emitted them.</summary>
    public abstract int Depth { get; }

    /// <summary>The sources whose records reach this stream.</summary>
    public abstract IEnumerable<string> Sources { get; }

    /// <summary>A consumer that is no terminal reads it: a stage chained to the keyed stage that emits it.</summary>
    public void MarkConsumed() => Consumed = true;

    public void Connect(Terminal<T> terminal)
    {
        Consumed = true;
        Attach(terminal);
    }

    protected abstract void Attach(Terminal<T> terminal);
}

/// <summary>INTERNAL API. A source's records.</summary>
internal sealed class SourceOrigin<T>(SourceRoot<T> root) : StreamOrigin<T>($"source '{root.Name}'")
{
    public override int Depth => 0;

    public override IEnumerable<string> Sources => [root.Name];

    protected override void Attach(Terminal<T> terminal) => root.Terminals.Add(terminal);
}

/// <summary>INTERNAL API. A stateless step (<paramref name="wrap"/> puts it in front of a consumer) over <paramref name="upstream"/>.</summary>
internal sealed class StepOrigin<TIn, T>(StreamOrigin<TIn> upstream, Func<Terminal<T>, Terminal<TIn>> wrap, string description) : StreamOrigin<T>(description)
{
    public override int Depth => upstream.Depth;

    public override IEnumerable<string> Sources => upstream.Sources;

    protected override void Attach(Terminal<T> terminal) => upstream.Connect(wrap(terminal));
}

/// <summary>INTERNAL API. The union of streams of the same type: each consumer is attached to every part.</summary>
internal sealed class UnionOrigin<T>(IReadOnlyList<StreamOrigin<T>> parts) : StreamOrigin<T>("a union of " + string.Join(", ", parts.Select(p => p.Description)))
{
    public override int Depth => parts.Max(p => p.Depth);

    public override IEnumerable<string> Sources => parts.SelectMany(p => p.Sources);

    protected override void Attach(Terminal<T> terminal)
    {
        foreach (var part in parts)
        {
            part.Connect(terminal);
        }
    }
}

/// <summary>INTERNAL API. An output (main or side) of a keyed stage.</summary>
internal sealed class ChannelOrigin<T>(Channel channel, Func<object?, T> read) : StreamOrigin<T>(channel.Description)
{
    public Channel Channel => channel;

    public override int Depth => channel.Stage.Hop;

    public override IEnumerable<string> Sources => channel.Stage.Sources;

    protected override void Attach(Terminal<T> terminal) => channel.Consumers.Add((value, timestamp, output) => terminal.OnRecord(read(value), timestamp, output));
}

using ActorFlow.Operators.Watermarks;
using ActorFlow.Topology.Connectors;
using Akka.Streams.Dsl;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>INTERNAL API. A source of the job, read once; its chunks go to every consumer attached to it.</summary>
internal abstract class SourceRoot
{
    public abstract string Name { get; }

    public abstract bool Consumed { get; }

    /// <summary>Whether the source's input ends (<see cref="ISourceConnector{T}.Boundedness"/>).</summary>
    public abstract Boundedness Boundedness { get; }

    /// <summary>Whether the source's watermark strategy makes watermarks (not <c>NoWatermarks</c>).</summary>
    public abstract bool EmitsWatermarks { get; }

    /// <summary>The source side of the first hop: its chunks routed to every consumer (key-by into a stage input, or a sink).</summary>
    /// <param name="clock">The job's clock.</param>
    /// <param name="options">The run's options.</param>
    /// <param name="preAggregate">Whether a fused key-by may pre-aggregate its stage's records (a batch run in place, where nothing is late).</param>
    public abstract Source<Chunk<Keyed>, ISourceControl> Build(TimeProvider clock, JobRunnerOptions options, bool preAggregate = false);
}

/// <summary>INTERNAL API. A typed source root.</summary>
internal sealed class SourceRoot<T>(string name, ISourceConnector<T> connector, WatermarkStrategy<T> watermarks) : SourceRoot
{
    public override string Name => name;

    public List<Terminal<T>> Terminals { get; } = [];

    public override bool Consumed => Terminals.Count > 0;

    public override Boundedness Boundedness => connector.Boundedness;

    public override bool EmitsWatermarks => watermarks.EmitsWatermarks;

    public override Source<Chunk<Keyed>, ISourceControl> Build(TimeProvider clock, JobRunnerOptions options, bool preAggregate = false)
    {
        var terminals = Terminals.ToArray();
        var counters = options.Counters;
        // One consumer that routes each record alone (a key-by or a plain sink, after Where/Select steps only): routed as
        // the records are stamped. A run builds its sources once, so a pre-aggregating route (its partials per chunk)
        // belongs to this run's stream only.
        if (terminals.Length == 1 && terminals[0].Fused is { } fused)
        {
            var route = (preAggregate ? terminals[0].PreAggregating() : null) ?? fused;
            return SourceGraph.Build(connector, watermarks, clock, options, (assigner, incoming) => Counted(assigner.OnIncoming(incoming, route), counters));
        }

        return SourceGraph.Build(connector, watermarks, clock, options, (assigner, incoming) => Route(Counted(assigner.OnIncoming(incoming), counters), terminals));
    }

    /// <summary>Counts the records a chunk read (those that became dead letters or were folded into others too).</summary>
    private static Chunk<TChunk> Counted<TChunk>(Chunk<TChunk> chunk, JobCounters counters)
    {
        if (!chunk.IsTick)
        {
            counters.AddRead(chunk.Count + chunk.Folded + (chunk.Dead?.Count ?? 0));
        }

        return chunk;
    }

    private static Chunk<Keyed> Route(Chunk<T> chunk, Terminal<T>[] terminals)
    {
        if (terminals.Length == 1)
        {
            return terminals[0].OnChunk(chunk);
        }

        // Each consumer gets the records without the chunk's dead letters (a step adds its own to the list it is
        // given): those are added once, here.
        var bare = chunk.With(chunk.Items, chunk.Count, null);
        var routed = new List<Element<Keyed>>(chunk.Count * terminals.Length);
        var dead = chunk.Dead is null ? null : new List<DeadLetterRecord>(chunk.Dead);
        foreach (var terminal in terminals)
        {
            var part = terminal.OnChunk(bare);
            for (var i = 0; i < part.Count; i++)
            {
                routed.Add(part.Items[i]);
            }

            if (part.Dead is { } letters)
            {
                // A step shared by several consumers runs once per consumer: its dead letter for a record comes once.
                dead ??= [];
                foreach (var letter in letters)
                {
                    if (!dead.Exists(d => d.Offset == letter.Offset && d.Origin == letter.Origin && d.Operator == letter.Operator && d.Reason == letter.Reason))
                    {
                        dead.Add(letter);
                    }
                }
            }
        }

        // In source order across consumers (a stable sort by offset): a record read after another reaches every
        // stage after it, e.g. a rule broadcast from the same partition as the records it applies to.
        var ordered = routed.OrderBy(r => r.Offset).ToArray();
        return chunk.With(ordered, ordered.Length, dead);
    }
}

using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Runtime.Internal;
using Akka.Streams.Dsl;

namespace ActorFlow.Topology.Dsl;

/// <summary>
/// A stream of records before key-by. Stateless steps run on the source side as loops over chunks of records (one
/// stream stage per step); a step that throws turns its record into a dead letter and the others go on.
/// </summary>
public sealed class DataStream<T>
{
    internal DataStream(StreamJobBuilder job, Func<TimeProvider, JobRunnerOptions, Source<Chunk<T>, ISourceControl>> source, IReadOnlyCollection<string> sources)
    {
        Job = job;
        BuildSource = source;
        SourceNames = sources;
    }

    internal IReadOnlyCollection<string> SourceNames { get; }

    internal StreamJobBuilder Job { get; }

    internal Func<TimeProvider, JobRunnerOptions, Source<Chunk<T>, ISourceControl>> BuildSource { get; }

    /// <summary>Keeps the records for which <paramref name="predicate"/> holds.</summary>
    public DataStream<T> Where(Func<T, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var upstream = BuildSource;
        return new DataStream<T>(Job, (clock, options) => upstream(clock, options).Select(c => Filter(c, predicate)), SourceNames);
    }

    /// <summary>Maps each record.</summary>
    public DataStream<TOut> Select<TOut>(Func<T, TOut> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var upstream = BuildSource;
        return new DataStream<TOut>(Job, (clock, options) => upstream(clock, options).Select(c => c.Select(e => map(e.Value), "Select")), SourceNames);
    }

    /// <summary>Maps each record to zero or more records (with the same timestamp).</summary>
    public DataStream<TOut> SelectMany<TOut>(Func<T, IEnumerable<TOut>> map) => SelectMany(map, "SelectMany");

    /// <summary>
    /// Merges this stream with <paramref name="others"/> (from other sources of the same job). The merged watermark
    /// is the minimum of the inputs' watermarks, so the slowest source holds event time back (as in Flink).
    /// </summary>
    public DataStream<T> Union(params DataStream<T>[] others)
    {
        ArgumentNullException.ThrowIfNull(others);
        if (others.Length == 0 || others.Any(o => o is null || !ReferenceEquals(o.Job, Job)))
        {
            throw new ArgumentException("Union needs at least one other stream of the same job.", nameof(others));
        }

        var inputs = others.Prepend(this).ToList();
        if (inputs.SelectMany(i => i.SourceNames).GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new ArgumentException($"Source '{twice.Key}' is in the union twice.", nameof(others));
        }

        return new DataStream<T>(Job, (clock, options) => UnionGraph.Build(inputs.Select(i => i.BuildSource(clock, options)).ToList()),
            inputs.SelectMany(i => i.SourceNames).ToList());
    }

    /// <summary>Partitions the stream by key: records with equal keys go to the same key group, in order.</summary>
    /// <param name="selector">Extracts the key; it must not return null.</param>
    /// <param name="codec">Stable bytes of the key; built in for string, long, int and Guid.</param>
    public KeyedStream<TKey, T> KeyBy<TKey>(Func<T, TKey> selector, IKeyCodec<TKey>? codec = null)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(selector);
        codec ??= KeyCodecs.Default<TKey>() ?? throw new ArgumentException(
            $"Key type {typeof(TKey).Name} has no built-in stable encoding: pass an IKeyCodec<{typeof(TKey).Name}> " +
            "(key groups hash the key's bytes, which must be the same in every process).", nameof(codec));
        return new KeyedStream<TKey, T>(this, selector, codec);
    }

    /// <summary>
    /// Sends the records to <paramref name="sink"/> without keyed state (a stateless job); ends the stream definition.
    /// Records keep their source order per partition.
    /// </summary>
    public StreamJobBuilder To(ISinkConnector<T> sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        if (Job.Plan is not null)
        {
            throw new InvalidOperationException($"Job '{Job.Name}' already has a sink.");
        }

        Job.Plan = new StatelessPlan<T>(BuildSource, sink);
        Job.ConnectedSources = SourceNames;
        return Job;
    }

    private DataStream<TOut> SelectMany<TOut>(Func<T, IEnumerable<TOut>> map, string step)
    {
        ArgumentNullException.ThrowIfNull(map);
        var upstream = BuildSource;
        return new DataStream<TOut>(Job, (clock, options) => upstream(clock, options).Select(c => Apply(c, map, step)), SourceNames);
    }

    private static Chunk<T> Filter(Chunk<T> chunk, Func<T, bool> predicate)
    {
        if (chunk.Count == 0)
        {
            return chunk;
        }

        var items = new Element<T>[chunk.Count];
        var count = 0;
        var dead = chunk.Dead;
        for (var i = 0; i < chunk.Count; i++)
        {
            var element = chunk.Items[i];
            try
            {
                if (predicate(element.Value))
                {
                    items[count++] = element;
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                (dead ??= []).Add(chunk.Failed("Where", element, e));
            }
        }

        return chunk.With(items, count, dead);
    }

    private static Chunk<TOut> Apply<TOut>(Chunk<T> chunk, Func<T, IEnumerable<TOut>> map, string step)
    {
        var items = new List<Element<TOut>>(chunk.Count);
        var dead = chunk.Dead;
        for (var i = 0; i < chunk.Count; i++)
        {
            var element = chunk.Items[i];
            var before = items.Count;
            try
            {
                foreach (var value in map(element.Value))
                {
                    items.Add(element.With(value));
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // All or nothing per record: what the enumeration yielded before it threw is dropped with it.
                items.RemoveRange(before, items.Count - before);
                (dead ??= []).Add(chunk.Failed(step, element, e));
            }
        }

        return chunk.With(items.ToArray(), items.Count, dead);
    }
}

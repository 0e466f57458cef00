using ActorFlow.Operators.Functions;
using ActorFlow.Operators.State;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Runtime.Internal;

namespace ActorFlow.Topology.Dsl;

/// <summary>
/// A stream of records: read from a source, or emitted by a keyed operator (<see cref="KeyedResult{TKey,T,TOut}"/> is
/// one, and <see cref="KeyedResult{TKey,T,TOut}.SideOutput{TSide}"/> makes one of a side output). Stateless steps run
/// as loops over the records (on the source side for records read from a source, on the runner node for records a
/// keyed operator emitted); a step that throws turns its record into a dead letter naming the step and the others
/// go on. A stream may be read by several consumers (sinks, key-bys, further steps): each gets every record.
/// </summary>
public class DataStream<T>
{
    internal DataStream(StreamJobBuilder job, StreamOrigin<T> origin)
    {
        Job = job;
        Origin = origin;
        job.Graph.Track(origin);
    }

    internal StreamJobBuilder Job { get; }

    internal StreamOrigin<T> Origin { get; }

    /// <summary>Keeps the records for which <paramref name="predicate"/> holds.</summary>
    public DataStream<T> Where(Func<T, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var step = Step("Where");
        return new DataStream<T>(Job, new StepOrigin<T, T>(Origin, next => new FilterTerminal<T>(predicate, next, step), $"Where after {Origin.Description}"));
    }

    /// <summary>Maps each record.</summary>
    public DataStream<TOut> Select<TOut>(Func<T, TOut> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var step = Step("Select");
        return new DataStream<TOut>(Job, new StepOrigin<T, TOut>(Origin, next => new SelectTerminal<T, TOut>(map, next, step), $"Select after {Origin.Description}"));
    }

    /// <summary>Maps each record to zero or more records (with the same timestamp).</summary>
    public DataStream<TOut> SelectMany<TOut>(Func<T, IEnumerable<TOut>> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var step = Step("SelectMany");
        return new DataStream<TOut>(Job, new StepOrigin<T, TOut>(Origin, next => new SelectManyTerminal<T, TOut>(map, next, step), $"SelectMany after {Origin.Description}"));
    }

    /// <summary>
    /// Merges this stream with <paramref name="others"/> (streams of the same job: from sources or from keyed
    /// operators). The watermark of every keyed stage is the minimum over all the job's sources, so the slowest
    /// source holds event time back (as in Flink).
    /// </summary>
    public DataStream<T> Union(params DataStream<T>[] others)
    {
        ArgumentNullException.ThrowIfNull(others);
        if (others.Length == 0 || others.Any(o => o is null || !ReferenceEquals(o.Job, Job)))
        {
            throw new ArgumentException("Union needs at least one other stream of the same job.", nameof(others));
        }

        var inputs = others.Prepend(this).ToList();
        if (inputs.GroupBy(i => i.Origin).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new ArgumentException($"{Capitalized(twice.Key.Description)} is in the union twice.", nameof(others));
        }

        return new DataStream<T>(Job, new UnionOrigin<T>([.. inputs.Select(i => i.Origin)]));
    }

    /// <summary>
    /// Partitions the stream by key: records with equal keys go to the same key group, in order. After a keyed
    /// operator this re-partitions: the records go to the key groups of their new key (a hop).
    /// </summary>
    /// <param name="selector">Extracts the key; it must not return null.</param>
    /// <param name="codec">Stable bytes of the key; built in for string, long, int and Guid.</param>
    public KeyedStream<TKey, T> KeyBy<TKey>(Func<T, TKey> selector, IKeyCodec<TKey>? codec = null)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(selector);
        return new KeyedStream<TKey, T>(this, selector, CodecFor(codec), chainedTo: null);
    }

    /// <summary>
    /// Sends the records to <paramref name="sink"/>. A stream may go to several sinks. Records keep their order per
    /// source partition (and per key group after a keyed operator). A sink that is an <see cref="IRefusingSink{T}"/>
    /// is asked about each record first; a record it refuses goes to the job's dead-letter output instead.
    /// </summary>
    /// <returns>The job's builder (define more of the job, or <see cref="StreamJobBuilder.Build"/> it).</returns>
    public StreamJobBuilder To(ISinkConnector<T> sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var id = Job.Graph.AddSink(sink, $"sink {Job.Graph.Sinks.Count + 1} ({sink.GetType().Name}) of {Origin.Description}");
        Origin.Connect(new SinkTerminal<T>(id, sink as IRefusingSink<T>));
        return Job;
    }

    /// <summary>
    /// Makes this stream a broadcast stream: connected to a keyed stream (<c>keyed.Connect(broadcast)</c>), each of its
    /// records reaches every key group of that operator (Flink's broadcast state pattern; keep it low-volume).
    /// </summary>
    public BroadcastStream<T> Broadcast() => AsBroadcast(null);

    /// <summary>
    /// Makes this stream a broadcast stream whose functions keep the broadcast states <paramref name="descriptors"/>
    /// (Flink's <c>broadcast(descriptors)</c>): <c>GetBroadcastState</c> of any other descriptor fails naming it, so a
    /// typo is an error instead of a new, empty state. Connected to a keyed stream (<c>keyed.Connect(broadcast)</c>), each
    /// of its records reaches every key group of that operator (keep it low-volume).
    /// </summary>
    /// <param name="descriptors">The broadcast states: <see cref="MapStateDescriptor{TMapKey,TValue}"/>s with distinct names.</param>
    /// <exception cref="ArgumentException">None is given, or one is not a map state or is named twice.</exception>
    public BroadcastStream<T> Broadcast(params StateDescriptor[] descriptors)
    {
        ArgumentNullException.ThrowIfNull(descriptors);
        var declared = KeyedProcessOperators.DeclaredBroadcastStates(descriptors)
            ?? throw new ArgumentException("Give the broadcast states, or call Broadcast() for any.", nameof(descriptors));
        return AsBroadcast([.. declared.Values]);
    }

    /// <summary>The broadcast stream of this one, with its declared states (<c>null</c>: any); <c>Build()</c> checks it is connected.</summary>
    private BroadcastStream<T> AsBroadcast(IReadOnlyList<StateDescriptor>? declared)
    {
        var origin = Origin;
        Job.Graph.Broadcasts.Add((() => origin.Consumed, origin.Description));
        return new(this, declared);
    }

    /// <summary>A window join with <paramref name="other"/>: <c>.Where(key).EqualTo(key).Window(assigner).Apply(name, join)</c>.</summary>
    public JoinedStreams<T, T2> Join<T2>(DataStream<T2> other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new JoinedStreams<T, T2>(this, other);
    }

    internal static IKeyCodec<TKey> CodecFor<TKey>(IKeyCodec<TKey>? codec)
        where TKey : notnull =>
        codec ?? KeyCodecs.Default<TKey>() ?? throw new ArgumentException(
            $"Key type {typeof(TKey).Name} has no built-in stable encoding: pass an IKeyCodec<{typeof(TKey).Name}> " +
            "(key groups hash the key's bytes, which must be the same in every process).", nameof(codec));

    /// <summary>The name of a step in dead letters: the step, and the operator whose output it reads, if any.</summary>
    private string Step(string step) => Origin.Depth == 0 ? step : $"{step} after {Origin.Description}";

    private static string Capitalized(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}

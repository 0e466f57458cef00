using ActorFlow.Operators;
using ActorFlow.Topology.Runtime.Internal;

namespace ActorFlow.Topology.Dsl;

/// <summary>A stream partitioned by key; apply a keyed operator (window or keyed process function) to it.</summary>
public sealed class KeyedStream<TKey, T>
    where TKey : notnull
{
    internal KeyedStream(DataStream<T> stream, Func<T, TKey> selector, IKeyCodec<TKey> codec, StageNode? chainedTo)
    {
        Stream = stream;
        Selector = selector;
        Codec = codec;
        ChainedTo = chainedTo;
    }

    internal DataStream<T> Stream { get; }

    internal Func<T, TKey> Selector { get; }

    internal IKeyCodec<TKey> Codec { get; }

    /// <summary>The stage whose key groups this stream stays in (see <see cref="KeyedResult{TKey,T,TOut}.KeepKey"/>), if any.</summary>
    internal StageNode? ChainedTo { get; }

    /// <summary>
    /// Runs a keyed operator (from <c>WindowOperators.For(...)</c> or <c>KeyedProcessOperators.Create(...)</c>).
    /// <paramref name="factory"/> is called once per key group, on the node that hosts it, again when a key group
    /// restarts its operator alone (see <c>JobRunnerOptions.KeyGroupRestartLog</c>), and twice by <c>Build()</c> on
    /// the building process (so a missing serializer, a shared keyed process function or one operator returned twice
    /// fails the build): return a new operator each time and keep side effects out of it. Several operators may read the
    /// same keyed stream: they run side by side in the same key groups.
    /// </summary>
    /// <returns>The operator's output: a stream (with its side outputs) to process further or send to sinks.</returns>
    public KeyedResult<TKey, T, TOut> Process<TOut>(string name, Func<IKeyedOperator<TKey, T, TOut>> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var job = Stream.Job;
        job.Claim(name);
        var graph = job.Graph;
        OneInputStage<TKey, T, TOut> stage;
        if (ChainedTo is { } before)
        {
            Stream.Origin.MarkConsumed();
            stage = new OneInputStage<TKey, T, TOut>(graph, name, before.Hop, before.Sources, factory, Codec, before, Selector);
        }
        else
        {
            stage = new OneInputStage<TKey, T, TOut>(graph, name, Stream.Origin.Depth + 1, Stream.Origin.Sources, factory, Codec, null, null);
            Stream.Origin.Connect(new KeyByTerminal<TKey, T>(Selector, Codec, graph, stage.Port, Stream.Origin.Depth == 0 ? "KeyBy" : $"KeyBy after {Stream.Origin.Description}"));
        }

        return new KeyedResult<TKey, T, TOut>(job, stage, Codec);
    }

    /// <summary>
    /// Cuts the stream into windows of <paramref name="assigner"/> (tumbling, sliding, session or global, in event or
    /// processing time), as Flink's <c>window(assigner)</c>; end with a window function (<c>Aggregate</c>,
    /// <c>Reduce</c>, <c>Process</c>), which names the operator.
    /// </summary>
    /// <param name="assigner">The window assigner.</param>
    /// <returns>The windowed stream.</returns>
    public WindowedStream<TKey, T> Window(Operators.Windowing.WindowAssigner assigner) => new(this, assigner);

    /// <summary>
    /// Windows of <paramref name="size"/> records per key, each fired and cleared when full, as Flink's
    /// <c>countWindow(size)</c>: a global window with <c>PurgingTrigger.Of(CountTrigger.Of(size))</c>.
    /// </summary>
    /// <param name="size">Records per window, at least 1.</param>
    /// <returns>The windowed stream.</returns>
    public WindowedStream<TKey, T> CountWindow(long size) =>
        new WindowedStream<TKey, T>(this, Operators.Windowing.GlobalWindows.Create())
            .Trigger(Operators.Windowing.Triggers.PurgingTrigger.Of(Operators.Windowing.Triggers.CountTrigger.Of(size)));

    /// <summary>
    /// Sliding windows of the last <paramref name="size"/> records per key, fired every <paramref name="slide"/>
    /// records, as Flink's <c>countWindow(size, slide)</c>: a global window with <c>CountEvictor.Of(size)</c> and
    /// <c>CountTrigger.Of(slide)</c> (the window buffers its records).
    /// </summary>
    /// <param name="size">Records per window, at least 1.</param>
    /// <param name="slide">Records between firings, at least 1.</param>
    /// <returns>The windowed stream.</returns>
    public WindowedStream<TKey, T> CountWindow(long size, long slide) =>
        new WindowedStream<TKey, T>(this, Operators.Windowing.GlobalWindows.Create())
            .Evictor(Operators.Windowing.Evictors.CountEvictor.Of(size))
            .Trigger(Operators.Windowing.Triggers.CountTrigger.Of(slide));

    /// <summary>
    /// Connects this keyed stream with <paramref name="other"/>, keyed by the same key type and encoding, for a
    /// two-input operator (<see cref="ConnectedStreams{TKey,T1,T2}.Process{TOut}(string, Func{Operators.Functions.KeyedCoProcessFunction{TKey,T1,T2,TOut}})"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The streams belong to different jobs or encode their keys differently.</exception>
    public ConnectedStreams<TKey, T, T2> Connect<T2>(KeyedStream<TKey, T2> other)
    {
        ArgumentNullException.ThrowIfNull(other);
        SameKeying(other.Stream.Job, other.Codec, nameof(other));
        return new ConnectedStreams<TKey, T, T2>(this, other);
    }

    /// <summary>Connects this keyed stream with a broadcast stream (see <see cref="DataStream{T}.Broadcast()"/>).</summary>
    public BroadcastConnectedStream<TKey, T, TBroadcast> Connect<TBroadcast>(BroadcastStream<TBroadcast> broadcast)
    {
        ArgumentNullException.ThrowIfNull(broadcast);
        if (!ReferenceEquals(broadcast.Stream.Job, Stream.Job))
        {
            throw new ArgumentException("The broadcast stream belongs to another job.", nameof(broadcast));
        }

        return new BroadcastConnectedStream<TKey, T, TBroadcast>(this, broadcast);
    }

    /// <summary>
    /// An interval join with <paramref name="other"/> (event time, as Flink's <c>intervalJoin</c>): a record of this
    /// stream at t joins every record of <paramref name="other"/> with the same key and a timestamp in
    /// [t + lower, t + upper]; set the bounds with <see cref="IntervalJoin{TKey,T1,T2}.Between"/>.
    /// </summary>
    public IntervalJoin<TKey, T, T2> IntervalJoin<T2>(KeyedStream<TKey, T2> other)
    {
        ArgumentNullException.ThrowIfNull(other);
        SameKeying(other.Stream.Job, other.Codec, nameof(other));
        return new IntervalJoin<TKey, T, T2>(this, other);
    }

    private void SameKeying<TOther>(StreamJobBuilder job, IKeyCodec<TOther> codec, string parameter)
    {
        if (!ReferenceEquals(job, Stream.Job))
        {
            throw new ArgumentException("Both keyed streams must belong to the same job.", parameter);
        }

        if (codec.GetType() != Codec.GetType())
        {
            throw new ArgumentException(
                $"The two inputs encode their keys differently ({Codec.GetType().Name} and {codec.GetType().Name}): equal keys would land in different key groups. Key both with the same IKeyCodec.", parameter);
        }
    }
}

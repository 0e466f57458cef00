using ActorFlow.Operators;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.State;
using ActorFlow.Topology.Runtime.Internal;

namespace ActorFlow.Topology.Dsl;

/// <summary>
/// Two keyed streams connected on the same key (<see cref="KeyedStream{TKey,T}.Connect{T2}(KeyedStream{TKey,T2})"/>): a two-input operator
/// sees the records of both with per-key state and timers shared by both inputs. Its watermark is the minimum of its
/// inputs' (every keyed stage of a job moves with the minimum over the job's sources).
/// </summary>
public sealed class ConnectedStreams<TKey, T1, T2>
    where TKey : notnull
{
    private readonly KeyedStream<TKey, T1> _first;
    private readonly KeyedStream<TKey, T2> _second;

    internal ConnectedStreams(KeyedStream<TKey, T1> first, KeyedStream<TKey, T2> second)
    {
        _first = first;
        _second = second;
    }

    /// <summary>Runs a <see cref="KeyedCoProcessFunction{TKey,TIn1,TIn2,TOut}"/> (built per key group by <paramref name="function"/>).</summary>
    public KeyedResult<TKey, T1, TOut> Process<TOut>(string name, Func<KeyedCoProcessFunction<TKey, T1, T2, TOut>> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        var job = _first.Stream.Job;
        return Process(name, () => KeyedProcessOperators.CreateCo(function(), job.Serializers));
    }

    /// <summary>
    /// Runs a two-input keyed operator (e.g. from <c>JoinOperators.Window(...)</c> or <c>JoinOperators.Interval(...)</c>);
    /// <paramref name="factory"/> is called once per key group, on the node that hosts it, and twice by
    /// <c>Build()</c> on the building process (so a missing serializer or a shared function fails the build): return a
    /// new operator each time and keep side effects out of it.
    /// </summary>
    public KeyedResult<TKey, T1, TOut> Process<TOut>(string name, Func<ITwoInputKeyedOperator<TKey, T1, T2, TOut>> factory) =>
        TwoInput.Stage(_first, _second.Stream, name, factory, (stage, graph) =>
            _second.Stream.Origin.Connect(new KeyByTerminal<TKey, T2>(_second.Selector, _second.Codec, graph, stage.Port2, TwoInput.Step(_second.Stream))));
}

/// <summary>A stream whose records reach every key group of the keyed operator it is connected to (rules, configuration).</summary>
public sealed class BroadcastStream<T>
{
    internal BroadcastStream(DataStream<T> stream, IReadOnlyList<StateDescriptor>? descriptors)
    {
        Stream = stream;
        Descriptors = descriptors;
    }

    internal DataStream<T> Stream { get; }

    /// <summary>Gets the declared broadcast states, or <c>null</c> when any name is a state.</summary>
    internal IReadOnlyList<StateDescriptor>? Descriptors { get; }
}

/// <summary>
/// A keyed stream connected to a broadcast stream (<see cref="KeyedStream{TKey,T}.Connect{TBroadcast}(BroadcastStream{TBroadcast})"/>):
/// run a <see cref="KeyedBroadcastProcessFunction{TKey,TIn,TBroadcast,TOut}"/> over it.
/// </summary>
public sealed class BroadcastConnectedStream<TKey, T, TBroadcast>
    where TKey : notnull
{
    private readonly KeyedStream<TKey, T> _keyed;
    private readonly BroadcastStream<TBroadcast> _broadcast;

    internal BroadcastConnectedStream(KeyedStream<TKey, T> keyed, BroadcastStream<TBroadcast> broadcast)
    {
        _keyed = keyed;
        _broadcast = broadcast;
    }

    /// <summary>
    /// Runs <paramref name="function"/> (built per key group): each broadcast record is applied in every key group, in
    /// the job's order, so a keyed record is judged by the broadcast state in force at its position; the broadcast state
    /// is in every key group's snapshot and restored (and rescaled) with it.
    /// </summary>
    public KeyedResult<TKey, T, TOut> Process<TOut>(string name, Func<KeyedBroadcastProcessFunction<TKey, T, TBroadcast, TOut>> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        var job = _keyed.Stream.Job;
        return TwoInput.Stage<TKey, T, TBroadcast, TOut>(_keyed, _broadcast.Stream, name, () => KeyedProcessOperators.CreateBroadcast(function(), job.Serializers, broadcastStates: _broadcast.Descriptors), (stage, _) =>
            _broadcast.Stream.Origin.Connect(new BroadcastTerminal<TBroadcast>(stage.Port2)), broadcast: true);
    }
}

/// <summary>The shared building of two-input stages.</summary>
internal static class TwoInput
{
    public static KeyedResult<TKey, T1, TOut> Stage<TKey, T1, T2, TOut>(
        KeyedStream<TKey, T1> first, DataStream<T2> second, string name, Func<ITwoInputKeyedOperator<TKey, T1, T2, TOut>> factory,
        Action<TwoInputStage<TKey, T1, T2, TOut>, JobGraph> connectSecond, bool broadcast = false)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(factory);
        var job = first.Stream.Job;
        if (!ReferenceEquals(second.Job, job))
        {
            throw new ArgumentException("Both inputs of a two-input operator must belong to the same job.", nameof(second));
        }

        if (first.ChainedTo is not null)
        {
            throw new ArgumentException($"Operator '{name}' has two inputs: its first input cannot be chained (KeepKey); key it with KeyBy.", nameof(first));
        }

        job.Claim(name);
        var hop = Math.Max(first.Stream.Origin.Depth, second.Origin.Depth) + 1;
        var stage = new TwoInputStage<TKey, T1, T2, TOut>(job.Graph, name, hop, first.Stream.Origin.Sources.Concat(second.Origin.Sources), factory, broadcast);
        first.Stream.Origin.Connect(new KeyByTerminal<TKey, T1>(first.Selector, first.Codec, job.Graph, stage.Port1, Step(first.Stream)));
        connectSecond(stage, job.Graph);
        return new KeyedResult<TKey, T1, TOut>(job, stage, first.Codec);
    }

    public static string Step<T>(DataStream<T> stream) => stream.Origin.Depth == 0 ? "KeyBy" : $"KeyBy after {stream.Origin.Description}";
}

using ActorFlow.Operators;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Joins;
using ActorFlow.Operators.Windowing;

namespace ActorFlow.Topology.Dsl;

/// <summary>An interval join being defined: <c>a.KeyBy(..).IntervalJoin(b.KeyBy(..)).Between(lower, upper).Process(name, join)</c>.</summary>
public sealed class IntervalJoin<TKey, T1, T2>
    where TKey : notnull
{
    private readonly KeyedStream<TKey, T1> _first;
    private readonly KeyedStream<TKey, T2> _second;
    private TimeSpan? _lower;
    private TimeSpan? _upper;
    private bool _lowerExclusive;
    private bool _upperExclusive;

    internal IntervalJoin(KeyedStream<TKey, T1> first, KeyedStream<TKey, T2> second)
    {
        _first = first;
        _second = second;
    }

    /// <summary>The bounds relative to the first input's timestamp, inclusive unless made exclusive (<paramref name="lower"/> may be negative).</summary>
    public IntervalJoin<TKey, T1, T2> Between(TimeSpan lower, TimeSpan upper)
    {
        (_lower, _upper) = (lower, upper);
        return this;
    }

    /// <summary>Excludes the lower bound.</summary>
    public IntervalJoin<TKey, T1, T2> LowerBoundExclusive()
    {
        _lowerExclusive = true;
        return this;
    }

    /// <summary>Excludes the upper bound.</summary>
    public IntervalJoin<TKey, T1, T2> UpperBoundExclusive()
    {
        _upperExclusive = true;
        return this;
    }

    /// <summary>Joins each pair with <paramref name="join"/>; results carry the larger of the two timestamps.</summary>
    /// <exception cref="InvalidOperationException"><see cref="Between"/> was not called.</exception>
    /// <exception cref="ArgumentException">The bounds are inverted or have a sub-millisecond part.</exception>
    public KeyedResult<TKey, T1, TOut> Process<TOut>(string name, Func<T1, T2, TOut> join)
    {
        ArgumentNullException.ThrowIfNull(join);
        return Process(name, () => new ActorFlow.Operators.Internal.PairJoinFunction<T1, T2, TOut>(join), nameof(join));
    }

    /// <summary>
    /// Processes each pair with a <see cref="ProcessJoinFunction{TIn1, TIn2, TOut}"/> (Flink's): any number of results
    /// per pair (none drops it), side outputs, both records' timestamps; results carry the larger of the two.
    /// </summary>
    /// <param name="name">The stage's name.</param>
    /// <param name="function">Makes the function, once per key group (so its fields are never shared between threads).</param>
    /// <exception cref="InvalidOperationException"><see cref="Between"/> was not called.</exception>
    /// <exception cref="ArgumentException">The bounds are inverted or have a sub-millisecond part.</exception>
    public KeyedResult<TKey, T1, TOut> Process<TOut>(string name, Func<ProcessJoinFunction<T1, T2, TOut>> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return Process(name, function, nameof(function));
    }

    private KeyedResult<TKey, T1, TOut> Process<TOut>(string name, Func<ProcessJoinFunction<T1, T2, TOut>> function, string parameter)
    {
        if (_lower is not { } lower || _upper is not { } upper)
        {
            throw new InvalidOperationException($"Interval join '{name}': set its bounds with Between(lower, upper) first.");
        }

        var (lowerExclusive, upperExclusive) = (_lowerExclusive, _upperExclusive);
        var job = _first.Stream.Job;
        ITwoInputKeyedOperator<TKey, T1, T2, TOut> Create() => JoinOperators.IntervalProcess<TKey, T1, T2, TOut>(lower, upper, function(), lowerExclusive, upperExclusive, job.Serializers);
        // Bad bounds fail here; a missing serializer of the joined records when the job is built (WithSerializers may come later).
        _ = Timestamps.ToWholeMillis(lower, "lower") <= Timestamps.ToWholeMillis(upper, "upper") ? 0
            : throw new ArgumentException($"The interval join's lower bound ({lower}) must not be above its upper bound ({upper}).", parameter);
        var result = _first.Connect(_second).Process(name, Create);
        result.Stage.Title = "interval join '" + name + "'";
        return result;
    }
}

/// <summary>A window join being defined: <c>a.Join(b).Where(keyA).EqualTo(keyB).Window(assigner).Apply(name, join)</c>.</summary>
public sealed class JoinedStreams<T1, T2>
{
    private readonly DataStream<T1> _first;
    private readonly DataStream<T2> _second;

    internal JoinedStreams(DataStream<T1> first, DataStream<T2> second)
    {
        _first = first;
        _second = second;
    }

    /// <summary>The key of the first input's records.</summary>
    public JoinedStreams<T1, T2, TKey> Where<TKey>(Func<T1, TKey> key, IKeyCodec<TKey>? codec = null)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(key);
        return new JoinedStreams<T1, T2, TKey>(_first.KeyBy(key, codec), _second);
    }
}

/// <summary>A window join with the first input's key set.</summary>
public sealed class JoinedStreams<T1, T2, TKey>
    where TKey : notnull
{
    private readonly KeyedStream<TKey, T1> _first;
    private readonly DataStream<T2> _second;

    internal JoinedStreams(KeyedStream<TKey, T1> first, DataStream<T2> second)
    {
        _first = first;
        _second = second;
    }

    /// <summary>The key of the second input's records (same type and encoding as the first's).</summary>
    public WindowedJoin<T1, T2, TKey> EqualTo(Func<T2, TKey> key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new WindowedJoin<T1, T2, TKey>(_first, _second.KeyBy(key, _first.Codec));
    }
}

/// <summary>A window join with both keys set: choose its windows.</summary>
public sealed class WindowedJoin<T1, T2, TKey>
    where TKey : notnull
{
    private readonly KeyedStream<TKey, T1> _first;
    private readonly KeyedStream<TKey, T2> _second;
    private WindowAssigner? _assigner;

    internal WindowedJoin(KeyedStream<TKey, T1> first, KeyedStream<TKey, T2> second)
    {
        _first = first;
        _second = second;
    }

    /// <summary>The windows (tumbling or sliding, event or processing time): records of both inputs pair up per key and window.</summary>
    public WindowedJoin<T1, T2, TKey> Window(WindowAssigner assigner)
    {
        ArgumentNullException.ThrowIfNull(assigner);
        if (assigner.IsMerging)
        {
            throw new ArgumentException($"A window join needs a non-merging window assigner; {assigner.GetType().Name} merges.", nameof(assigner));
        }

        _assigner = assigner;
        return this;
    }

    /// <summary>Joins each pair of a key's window when the window fires; results carry the window's max timestamp.</summary>
    public KeyedResult<TKey, T1, TOut> Apply<TOut>(string name, Func<T1, T2, TOut> join)
    {
        ArgumentNullException.ThrowIfNull(join);
        var assigner = _assigner ?? throw new InvalidOperationException($"Window join '{name}': choose its windows with Window(assigner) first.");
        var job = _first.Stream.Job;
        ITwoInputKeyedOperator<TKey, T1, T2, TOut> Create() => JoinOperators.Window<TKey, T1, T2, TOut>(assigner, join, job.Serializers);
        var result = _first.Connect(_second).Process(name, Create);
        result.Stage.Title = "window join '" + name + "'";
        return result;
    }
}

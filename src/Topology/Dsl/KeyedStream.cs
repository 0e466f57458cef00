using ActorFlow.Operators;

namespace ActorFlow.Topology.Dsl;

/// <summary>A stream partitioned by key; apply a keyed operator (window or keyed process function) to it.</summary>
public sealed class KeyedStream<TKey, T>
    where TKey : notnull
{
    internal KeyedStream(DataStream<T> stream, Func<T, TKey> selector, IKeyCodec<TKey> codec)
    {
        Stream = stream;
        Selector = selector;
        Codec = codec;
    }

    internal DataStream<T> Stream { get; }

    internal Func<T, TKey> Selector { get; }

    internal IKeyCodec<TKey> Codec { get; }

    /// <summary>
    /// Runs a keyed operator (from <c>WindowOperators.For(...)</c> or <c>KeyedProcessOperators.Create(...)</c>).
    /// <paramref name="factory"/> is called once per key group, on the node that hosts it, and again when a key
    /// group restarts its operator alone (see <c>JobRunnerOptions.KeyGroupRestartLog</c>): return a new operator each
    /// time (function objects captured by it are shared between those operators).
    /// </summary>
    public KeyedResult<TKey, T, TOut> Process<TOut>(string name, Func<IKeyedOperator<TKey, T, TOut>> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Stream.Job.Claim(name);
        return new KeyedResult<TKey, T, TOut>(this, name, factory);
    }
}

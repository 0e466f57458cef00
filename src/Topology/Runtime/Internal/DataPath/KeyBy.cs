using ActorFlow.Persistence.Partitioning;
using ActorFlow.Topology.Dsl;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. Key-by on the source side: each record of a chunk gets its key and its key group
/// (murmur3 of the encoded key, modulo the job's max parallelism) and travels on as a <see cref="Routed"/> record.
/// A key selector that throws or returns null turns its record into a dead letter of stage "KeyBy".
/// </summary>
internal static class KeyBy
{
    /// <summary>Routes every record of <paramref name="chunk"/> to the key group of its key.</summary>
    public static Chunk<Routed> Route<TKey, T>(Chunk<T> chunk, Func<T, TKey> selector, IKeyCodec<TKey> codec, int maxParallelism)
        where TKey : notnull =>
        chunk.Select(e =>
        {
            var key = selector(e.Value) ?? throw new InvalidOperationException("the key selector returned null");
            return new Routed(KeyGroups.ForKey(codec.Encode(key), maxParallelism), key, e.Value, e.Timestamp);
        }, "KeyBy");

    /// <summary>A stateless job's records: no key, no key group (-1). Cannot throw: no user code runs here.</summary>
    public static Chunk<Routed> Unkeyed<T>(Chunk<T> chunk) =>
        chunk.Select(e => new Routed(-1, NoKey.Instance, e.Value, e.Timestamp), "KeyBy");

    private sealed class NoKey
    {
        public static readonly NoKey Instance = new();
    }
}

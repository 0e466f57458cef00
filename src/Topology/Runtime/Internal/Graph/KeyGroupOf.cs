using ActorFlow.Persistence.Partitioning;
using ActorFlow.Topology.Dsl;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. The key group of a key under its codec, per record on the key-by and chaining paths. The built-in
/// long, int and string codecs hash their bytes from the stack (the same bytes <see cref="IKeyCodec{TKey}.Encode"/>
/// returns, so the same key group) instead of allocating an array per record; any other codec encodes.
/// </summary>
internal static class KeyGroupOf
{
    public static int For<TKey>(IKeyCodec<TKey> codec, TKey key, int maxParallelism)
    {
        // For a value-type TKey the JIT keeps only the matching branch, without boxing.
        if (key is long l && ReferenceEquals(codec, KeyCodecs.Int64))
        {
            return KeyGroups.ForKey(l, maxParallelism);
        }

        if (key is int n && ReferenceEquals(codec, KeyCodecs.Int32))
        {
            Span<byte> buffer = stackalloc byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(buffer, n);
            return KeyGroups.ForKey(buffer, maxParallelism);
        }

        if (key is string s && ReferenceEquals(codec, KeyCodecs.String))
        {
            return KeyGroups.ForKey(s, maxParallelism);
        }

        return KeyGroups.ForKey(codec.Encode(key), maxParallelism);
    }
}

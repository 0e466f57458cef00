using System.Text;

namespace ActorFlow.Topology.Dsl;

/// <summary>Key codecs for the common key types.</summary>
public static class KeyCodecs
{
    /// <summary>UTF-8 bytes of a string key.</summary>
    public static IKeyCodec<string> String { get; } = new Codec<string>(k => Encoding.UTF8.GetBytes(k));

    /// <summary>Little-endian bytes of a long key.</summary>
    public static IKeyCodec<long> Int64 { get; } = new Codec<long>(BitConverter.GetBytes);

    /// <summary>Little-endian bytes of an int key.</summary>
    public static IKeyCodec<int> Int32 { get; } = new Codec<int>(BitConverter.GetBytes);

    /// <summary>The 16 bytes of a GUID key.</summary>
    public static IKeyCodec<Guid> Guid { get; } = new Codec<System.Guid>(g => g.ToByteArray());

    /// <summary>A codec from a function.</summary>
    public static IKeyCodec<TKey> From<TKey>(Func<TKey, byte[]> encode)
    {
        ArgumentNullException.ThrowIfNull(encode);
        return new Codec<TKey>(encode);
    }

    /// <summary>The built-in codec for <typeparamref name="TKey"/>, or null when there is none.</summary>
    public static IKeyCodec<TKey>? Default<TKey>() => (typeof(TKey) switch
    {
        var t when t == typeof(string) => (object)String,
        var t when t == typeof(long) => Int64,
        var t when t == typeof(int) => Int32,
        var t when t == typeof(System.Guid) => Guid,
        _ => null,
    }) as IKeyCodec<TKey>;

    private sealed class Codec<TKey>(Func<TKey, byte[]> encode) : IKeyCodec<TKey>
    {
        public byte[] Encode(TKey key) => encode(key);
    }
}

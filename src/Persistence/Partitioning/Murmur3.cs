using System.Buffers.Binary;
using System.Numerics;

namespace ActorFlow.Persistence.Partitioning;

/// <summary>
/// INTERNAL API. MurmurHash3, x86 32-bit variant (Austin Appleby, public domain). Stable across processes, machines and
/// .NET versions, unlike <c>string.GetHashCode()</c>, which is randomised per process.
/// </summary>
internal static class Murmur3
{
    private const uint C1 = 0xcc9e2d51;
    private const uint C2 = 0x1b873593;

    /// <summary>Hashes <paramref name="data"/> with MurmurHash3 x86 32-bit.</summary>
    /// <param name="data">The bytes to hash (for keys: the serialized key).</param>
    /// <param name="seed">The seed; ActorFlow key groups use 0.</param>
    /// <returns>The 32-bit hash, as the reference implementation returns it.</returns>
    public static uint Hash32(ReadOnlySpan<byte> data, uint seed = 0)
    {
        var h1 = seed;
        var blocks = data.Length / 4;
        for (var i = 0; i < blocks; i++)
        {
            var k1 = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(i * 4, 4));
            h1 ^= MixK1(k1);
            h1 = BitOperations.RotateLeft(h1, 13);
            h1 = (h1 * 5) + 0xe6546b64;
        }

        var tail = data[(blocks * 4)..];
        uint t = 0;
        switch (tail.Length)
        {
            case 3:
                t ^= (uint)tail[2] << 16;
                goto case 2;
            case 2:
                t ^= (uint)tail[1] << 8;
                goto case 1;
            case 1:
                t ^= tail[0];
                h1 ^= MixK1(t);
                break;
        }

        h1 ^= (uint)data.Length;
        return FMix(h1);
    }

    private static uint MixK1(uint k1)
    {
        k1 *= C1;
        k1 = BitOperations.RotateLeft(k1, 15);
        return k1 * C2;
    }

    private static uint FMix(uint h)
    {
        h ^= h >> 16;
        h *= 0x85ebca6b;
        h ^= h >> 13;
        h *= 0xc2b2ae35;
        h ^= h >> 16;
        return h;
    }
}

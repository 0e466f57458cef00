using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace ActorFlow.Persistence.Partitioning;

/// <summary>
/// Key groups: the unit of keyed state, of snapshots and of rescaling (Flink's <c>KeyGroupRangeAssignment</c>).
/// A key belongs to key group <c>murmur3_x86_32(serializedKey, seed 0) mod maxParallelism</c>; the hash is taken
/// as an unsigned 32-bit number, so the result is always in [0, maxParallelism). Key groups are spread over
/// <c>parallelism</c> instances as contiguous ranges. Changing max parallelism changes every assignment,
/// so it is fixed for the life of a job's state; the number of instances may change freely.
/// </summary>
public static class KeyGroups
{
    /// <summary>The default max parallelism (number of key groups): 128.</summary>
    public const int DefaultMaxParallelism = 128;

    /// <summary>The largest supported max parallelism: 32768 (as in Flink).</summary>
    public const int UpperBoundMaxParallelism = 32768;

    /// <summary>The stable hash of a serialized key: MurmurHash3 x86 32-bit with seed 0.</summary>
    /// <param name="serializedKey">The key's serialized bytes.</param>
    /// <returns>The unsigned 32-bit hash.</returns>
    public static uint Hash(ReadOnlySpan<byte> serializedKey) => Murmur3.Hash32(serializedKey);

    /// <summary>The key group of a serialized key.</summary>
    /// <param name="serializedKey">The key's serialized bytes.</param>
    /// <param name="maxParallelism">The number of key groups, 1..32768.</param>
    /// <returns>A key group in [0, <paramref name="maxParallelism"/>).</returns>
    public static int ForKey(ReadOnlySpan<byte> serializedKey, int maxParallelism = DefaultMaxParallelism)
    {
        ValidateMaxParallelism(maxParallelism);
        return (int)(Hash(serializedKey) % (uint)maxParallelism);
    }

    /// <summary>The key group of a string key, serialized as UTF-8 without a byte-order mark.</summary>
    /// <param name="key">The key.</param>
    /// <param name="maxParallelism">The number of key groups, 1..32768.</param>
    /// <returns>A key group in [0, <paramref name="maxParallelism"/>).</returns>
    public static int ForKey(string key, int maxParallelism = DefaultMaxParallelism)
    {
        ArgumentNullException.ThrowIfNull(key);
        var max = Encoding.UTF8.GetMaxByteCount(key.Length);
        if (max <= 256)
        {
            Span<byte> buffer = stackalloc byte[max];
            var written = Encoding.UTF8.GetBytes(key, buffer);
            return ForKey(buffer[..written], maxParallelism);
        }

        var rented = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            var written = Encoding.UTF8.GetBytes(key, rented);
            return ForKey(rented.AsSpan(0, written), maxParallelism);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The key group of a 64-bit integer key, serialized as 8 little-endian bytes.</summary>
    /// <param name="key">The key.</param>
    /// <param name="maxParallelism">The number of key groups, 1..32768.</param>
    /// <returns>A key group in [0, <paramref name="maxParallelism"/>).</returns>
    public static int ForKey(long key, int maxParallelism = DefaultMaxParallelism)
    {
        Span<byte> buffer = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(buffer, key);
        return ForKey(buffer, maxParallelism);
    }

    /// <summary>
    /// The contiguous key-group range of one of <paramref name="parallelism"/> instances. Ranges of all instances
    /// are disjoint, cover [0, maxParallelism) and differ in size by at most one.
    /// </summary>
    /// <param name="maxParallelism">The number of key groups, 1..32768.</param>
    /// <param name="parallelism">The number of instances, 1..<paramref name="maxParallelism"/>.</param>
    /// <param name="instanceIndex">The instance, 0..<paramref name="parallelism"/> − 1.</param>
    /// <returns>The instance's key groups.</returns>
    public static KeyGroupRange RangeForInstance(int maxParallelism, int parallelism, int instanceIndex)
    {
        ValidateParallelism(maxParallelism, parallelism);
        ArgumentOutOfRangeException.ThrowIfNegative(instanceIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(instanceIndex, parallelism);
        var start = (int)((((long)instanceIndex * maxParallelism) + parallelism - 1) / parallelism);
        var end = (int)(((((long)instanceIndex + 1) * maxParallelism) - 1) / parallelism);
        return new KeyGroupRange(start, end);
    }

    /// <summary>The instance (of <paramref name="parallelism"/>) whose range holds <paramref name="keyGroup"/>.</summary>
    /// <param name="maxParallelism">The number of key groups, 1..32768.</param>
    /// <param name="parallelism">The number of instances, 1..<paramref name="maxParallelism"/>.</param>
    /// <param name="keyGroup">The key group, 0..<paramref name="maxParallelism"/> − 1.</param>
    /// <returns>The instance index, consistent with <see cref="RangeForInstance"/>.</returns>
    public static int InstanceForKeyGroup(int maxParallelism, int parallelism, int keyGroup)
    {
        ValidateParallelism(maxParallelism, parallelism);
        ArgumentOutOfRangeException.ThrowIfNegative(keyGroup);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(keyGroup, maxParallelism);
        return (int)((long)keyGroup * parallelism / maxParallelism);
    }

    /// <summary>Throws unless <paramref name="maxParallelism"/> is in 1..32768.</summary>
    /// <param name="maxParallelism">The value to check.</param>
    /// <exception cref="ArgumentOutOfRangeException">When out of range.</exception>
    public static void ValidateMaxParallelism(int maxParallelism)
    {
        if (maxParallelism is < 1 or > UpperBoundMaxParallelism)
        {
            throw new ArgumentOutOfRangeException(
                nameof(maxParallelism), maxParallelism, $"Max parallelism must be in 1..{UpperBoundMaxParallelism}.");
        }
    }

    private static void ValidateParallelism(int maxParallelism, int parallelism)
    {
        ValidateMaxParallelism(maxParallelism);
        if (parallelism < 1 || parallelism > maxParallelism)
        {
            throw new ArgumentOutOfRangeException(
                nameof(parallelism), parallelism, $"Parallelism must be in 1..max parallelism ({maxParallelism}).");
        }
    }
}

using System.Buffers.Binary;

namespace ActorFlow.Kafka.Producer.Internal;

/// <summary>
/// INTERNAL API. The partition the Apache Kafka Java producer's default partitioner gives a keyed record:
/// <c>toPositive(murmur2(key)) % partitions</c> (<c>Utils.murmur2</c>, <c>BuiltInPartitioner.partitionForKey</c>), the
/// same as librdkafka's <c>murmur2_random</c> partitioner for non-null keys. Records of one key then land in the
/// partition every Java, Kafka Streams, ksqlDB and Flink producer puts that key in, so topics written here stay
/// co-partitioned with theirs (librdkafka's default, <c>consistent_random</c>, hashes with CRC32 instead).
/// </summary>
internal static class JavaPartitioner
{
    /// <summary>The partition of <paramref name="key"/> (an empty key is hashed too, as in Java) among <paramref name="partitions"/>.</summary>
    public static int PartitionFor(ReadOnlySpan<byte> key, int partitions)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(partitions);
        return (Murmur2(key) & 0x7fffffff) % partitions;
    }

    /// <summary>Kafka's 32-bit murmur2 of <paramref name="data"/> (seed <c>0x9747b28c</c>), as a signed int like Java's.</summary>
    public static int Murmur2(ReadOnlySpan<byte> data)
    {
        const uint m = 0x5bd1e995;
        const int r = 24;
        var length = data.Length;
        var h = 0x9747b28cu ^ (uint)length;
        var blocks = length / 4;
        for (var i = 0; i < blocks; i++)
        {
            var k = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(i * 4, 4));
            k *= m;
            k ^= k >> r;
            k *= m;
            h *= m;
            h ^= k;
        }

        var tail = data[(length & ~3)..];
        switch (tail.Length)
        {
            case 3:
                h ^= (uint)tail[2] << 16;
                h ^= (uint)tail[1] << 8;
                h ^= tail[0];
                h *= m;
                break;
            case 2:
                h ^= (uint)tail[1] << 8;
                h ^= tail[0];
                h *= m;
                break;
            case 1:
                h ^= tail[0];
                h *= m;
                break;
        }

        h ^= h >> 13;
        h *= m;
        h ^= h >> 15;
        return (int)h;
    }
}

using System.Buffers.Binary;
using ActorFlow.Operators.Functions;
using Confluent.Kafka;

namespace ActorFlow.Benchmarks.Runtime;

/// <summary>
/// One benchmark record as the jobs see it: its key (0..keys-1; <see cref="MarkerKey"/> for end-of-data markers)
/// and the <see cref="System.Diagnostics.Stopwatch"/> timestamp at which it was produced (0 for pre-filled data).
/// On the wire: key = 8 bytes big-endian, value = produce timestamp (8 bytes big-endian) padded to the value size,
/// Kafka CreateTime = event time.
/// </summary>
/// <param name="Key">The record's key.</param>
/// <param name="Produced">Stopwatch ticks when it was handed to the producer, or 0.</param>
public sealed record BenchEvent(long Key, long Produced)
{
    /// <summary>Key of the one-per-partition marker whose far-future event time fires every real window.</summary>
    public const long MarkerKey = 10_000_000;

    /// <summary>Decodes a record (runs in the job's source stage).</summary>
    public static BenchEvent Decode(ConsumeResult<byte[], byte[]> record) =>
        new(BinaryPrimitives.ReadInt64BigEndian(record.Message.Key), BinaryPrimitives.ReadInt64BigEndian(record.Message.Value));

    /// <summary>The stateless job's filter: drops one key in ten (and the markers).</summary>
    public static bool Keep(long key) => key % 10 != 0;

    /// <summary>Writes <paramref name="key"/> into an 8-byte key buffer.</summary>
    public static void WriteKey(byte[] buffer, long key) => BinaryPrimitives.WriteInt64BigEndian(buffer, key);

    /// <summary>Writes the produce timestamp into the first 8 bytes of a value buffer.</summary>
    public static void WriteProduced(byte[] value, long produced) => BinaryPrimitives.WriteInt64BigEndian(value, produced);
}

/// <summary>Counts the records of a window (the tumbling-count job's aggregate).</summary>
public sealed class CountPerWindow : IAggregateFunction<BenchEvent, long, long>
{
    /// <inheritdoc />
    public long CreateAccumulator() => 0;

    /// <inheritdoc />
    public long Add(BenchEvent value, long accumulator) => accumulator + 1;

    /// <inheritdoc />
    public long GetResult(long accumulator) => accumulator;

    /// <inheritdoc />
    public long Merge(long a, long b) => a + b;
}

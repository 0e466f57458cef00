using System.Collections;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. The records of one key group in one dispatched batch, read in place from the batch's chunks: a record
/// is stamped (the key group, the watermark in force before its chunk, its chunk's origin, its offset and bytes) when
/// it is read, so the dispatcher keeps 8 bytes per record (its chunk and position) instead of a 72-byte copy. The
/// chunks are not changed after they are dispatched. A key group that keeps the records longer than the batch (its
/// restart log) takes a copy, so that it does not hold every other key group's records of the batch alive with its own.
/// </summary>
internal sealed class KeyGroupRecords(int keyGroup, KeyGroupRecords.Batch batch, long[] positions) : IReadOnlyList<Routed>
{
    public int Count => positions.Length;

    public Routed this[int index]
    {
        get
        {
            var position = positions[index];
            var c = (int)(position >> 32);
            var chunk = batch.Chunks[c];
            ref readonly var element = ref chunk.Items[(int)position];
            var record = element.Value;
            return new Routed(keyGroup, record.Key, record.Value, element.Timestamp, batch.InForce[c], chunk.Origin, element.Offset, element.RawKey, element.RawValue, record.Target);
        }
    }

    /// <summary>The position of item <paramref name="item"/> of chunk <paramref name="chunk"/> of the batch.</summary>
    public static long Position(int chunk, int item) => ((long)chunk << 32) | (uint)item;

    public IEnumerator<Routed> GetEnumerator()
    {
        for (var i = 0; i < positions.Length; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The chunks of one dispatched batch and, per chunk, the watermark in force for its records.</summary>
    internal sealed class Batch(Chunk<Keyed>[] chunks, long[] inForce)
    {
        public Chunk<Keyed>[] Chunks => chunks;

        public long[] InForce => inForce;
    }
}

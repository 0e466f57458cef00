using System.Collections;

namespace ActorFlow.Topology.Connectors;

/// <summary>What a source partition can tell the runtime besides its records.</summary>
public static class SourcePositions
{
    /// <summary>
    /// An empty chunk of a partition's records that tells the runtime where the partition starts (its next offset to
    /// read) before it delivered a record: a checkpoint taken after it names the partition at
    /// <paramref name="nextOffset"/>, and a restore starts the partition there (as Flink's source keeps a split's starting
    /// offset in its state). Without it a checkpoint names a partition only once it delivered a record, and a restore
    /// starts a partition it does not name wherever the source starts one without a position (a Kafka consumer: at the
    /// group's committed offset, else at <c>auto.offset.reset</c>, so with <c>latest</c> at the end again, past what was
    /// written after the checkpoint). A source emits it first in a partition's sub-source.
    /// </summary>
    /// <typeparam name="T">The record type.</typeparam>
    /// <param name="nextOffset">The next offset the partition reads; not negative.</param>
    /// <returns>The position, as an empty chunk.</returns>
    public static IReadOnlyList<SourceRecord<T>> StartingAt<T>(long nextOffset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nextOffset);
        return new Start<T>(nextOffset);
    }

    /// <summary>INTERNAL API. The next offset a position chunk names, or -1 for any other chunk.</summary>
    internal static long NextOffsetOf<T>(IReadOnlyList<SourceRecord<T>> records) => records is Start<T> start ? start.NextOffset : -1;

    private sealed class Start<T>(long nextOffset) : IReadOnlyList<SourceRecord<T>>
    {
        public long NextOffset => nextOffset;

        public int Count => 0;

        public SourceRecord<T> this[int index] => throw new ArgumentOutOfRangeException(nameof(index));

        public IEnumerator<SourceRecord<T>> GetEnumerator() => Enumerable.Empty<SourceRecord<T>>().GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

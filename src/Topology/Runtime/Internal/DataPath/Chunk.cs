using ActorFlow.Topology.Connectors;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. What flows on the source side: consecutive records of one source partition (<see cref="Origin"/>)
/// or, with a null origin, a periodic tick that only carries the watermark. The runtime works a chunk at a time so
/// that the per-record cost is a loop iteration, not an Akka.Streams element (boxing, a stage hop per step).
/// </summary>
/// <remarks>
/// <see cref="NextOffset"/> is the next offset to read in <see cref="Origin"/> after this chunk: it moves even when
/// stateless steps dropped every record. <see cref="Watermark"/> is the source's combined watermark after the chunk.
/// Records that failed (decoding, user code, key selector) leave the chunk as <see cref="Dead"/> letters.
/// A chunk is owned by the stage holding it; each step makes a new one.
/// </remarks>
internal sealed class Chunk<T>(string? origin, long nextOffset, long watermark, Element<T>[] items, int count, List<DeadLetterRecord>? dead)
{
    private static readonly Element<T>[] NoItems = [];

    public string? Origin { get; } = origin;

    public long NextOffset { get; } = nextOffset;

    public long Watermark { get; } = watermark;

    public Element<T>[] Items { get; } = items;

    public int Count { get; } = count;

    public List<DeadLetterRecord>? Dead { get; } = dead;

    public bool IsTick => Origin is null;

    /// <summary>
    /// A tick at <see cref="Operators.Watermark.EndOfInput"/>: the job's bounded sources delivered all their input (only
    /// the end of a bounded source's input moves a combined watermark there).
    /// </summary>
    public bool IsEndOfInput => Origin is null && Watermark == Operators.Watermark.EndOfInput;

    /// <summary>
    /// Gets a value indicating whether this tick's source has only idle inputs: a union of sources leaves it out of
    /// the minimum until it reports records again.
    /// </summary>
    public bool SourceIdle { get; init; }

    /// <summary>
    /// Gets the records read into this chunk that are not among its items because a fused <c>Where</c> dropped them or a
    /// batch run's pre-aggregation folded them into an earlier item (<see cref="IRecordRoute{T, TOut}.TryRoute"/>):
    /// counted as read.
    /// </summary>
    public int Folded { get; init; }

    public static Chunk<T> Tick(long watermark, bool sourceIdle = false) => new(null, -1, watermark, NoItems, 0, null) { SourceIdle = sourceIdle };

    /// <summary>The same position and watermark with other records.</summary>
    public Chunk<TOut> With<TOut>(Element<TOut>[] items, int count, List<DeadLetterRecord>? dead) =>
        new(Origin, NextOffset, Watermark, items, count, dead) { SourceIdle = SourceIdle };

    /// <summary>The same records under another combined watermark (union of sources).</summary>
    public Chunk<T> WithWatermark(long watermark) => new(Origin, NextOffset, watermark, Items, Count, Dead) { SourceIdle = SourceIdle };

    /// <summary>
    /// Maps every record with <paramref name="map"/> (timestamp and offset stay); a record it throws on becomes a
    /// dead letter of <paramref name="stage"/> and the others go on.
    /// </summary>
    public Chunk<TOut> Select<TOut>(Func<Element<T>, TOut> map, string stage)
    {
        var items = Count == 0 ? [] : new Element<TOut>[Count];
        var count = 0;
        var dead = Dead;
        for (var i = 0; i < Count; i++)
        {
            var element = Items[i];
            try
            {
                var value = map(element);
                items[count++] = element.With(value);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                (dead ??= []).Add(Failed(stage, element, e));
            }
        }

        return With(items, count, dead);
    }

    /// <summary>A dead letter for the record <paramref name="element"/> that <paramref name="stage"/> failed on: position and bytes.</summary>
    public DeadLetterRecord Failed<TElement>(string stage, in Element<TElement> element, Exception error) =>
        new($"{error.GetType().Name}: {error.Message}", Origin ?? "", element.Offset, element.RawKey, element.RawValue, stage);
}

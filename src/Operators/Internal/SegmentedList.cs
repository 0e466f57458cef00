namespace ActorFlow.Operators.Internal;

/// <summary>
/// INTERNAL API. A list kept in fixed segments of <see cref="SegmentLength"/> items, each a small object for items of
/// up to ~40 bytes (a state key, a window entry of a primitive accumulator), for lists that grow to many items and are
/// dropped whole (a window operator's deferred timers
/// and the entries of a firing, which a bounded input's end holds for every window at once). A <see cref="List{T}"/>
/// of them doubles one array past the large-object heap threshold, leaving each smaller array behind; large-object
/// allocation is what starts the runtime's background full collections.
/// </summary>
internal sealed class SegmentedList<T>
{
    private const int SegmentBits = 11;
    private const int SegmentLength = 1 << SegmentBits; // 2,048 items: 48 KB for a (string, window) state key
    private const int SegmentMask = SegmentLength - 1;

    private readonly List<T[]> _segments = [];

    /// <summary>Gets the number of items.</summary>
    public int Count { get; private set; }

    /// <summary>Gets the item at <paramref name="index"/> (no bounds check past the segments held: the caller's index is below <see cref="Count"/>).</summary>
    public ref T this[int index] => ref _segments[index >> SegmentBits][index & SegmentMask];

    public void Add(T item)
    {
        if ((Count & SegmentMask) == 0 && Count >> SegmentBits == _segments.Count)
        {
            _segments.Add(new T[SegmentLength]);
        }

        _segments[Count >> SegmentBits][Count & SegmentMask] = item;
        Count++;
    }

    /// <summary>A list of <paramref name="count"/> default items.</summary>
    public static SegmentedList<T> OfLength(int count)
    {
        var list = new SegmentedList<T>();
        for (var left = count; left > 0; left -= SegmentLength)
        {
            list._segments.Add(new T[SegmentLength]);
        }

        list.Count = count;
        return list;
    }

    /// <summary>Empties the list; with <paramref name="release"/> its segments go too, else they are kept (cleared) for reuse.</summary>
    public void Clear(bool release = false)
    {
        if (release)
        {
            _segments.Clear();
            _segments.TrimExcess();
        }
        else if (System.Runtime.CompilerServices.RuntimeHelpers.IsReferenceOrContainsReferences<T>())
        {
            for (var s = 0; s * SegmentLength < Count; s++)
            {
                Array.Clear(_segments[s]);
            }
        }

        Count = 0;
    }

    public Enumerator GetEnumerator() => new(this);

    /// <summary>Enumerates the items in order.</summary>
    public struct Enumerator(SegmentedList<T> list)
    {
        private int _index = -1;

        public readonly T Current => list[_index];

        public bool MoveNext() => ++_index < list.Count;
    }
}

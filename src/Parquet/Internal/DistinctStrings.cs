using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using global::Parquet;
using global::Parquet.Schema;
using Encoding = global::Parquet.Meta.Encoding;

namespace ActorFlow.Parquet.Internal;

/// <summary>
/// INTERNAL API. The strings of one string column of a row group: equal values share one <see cref="string"/> while
/// there are few distinct ones (a key column repeats a few values, and a string per row is what reading it allocated
/// most, and what a window or buffer held per entry). Used by the column reader and the level assembler. Given a
/// source's <see cref="SharedStrings"/>, the values are shared across the row groups of every file the source reads
/// (so a key read in one row group is the same string in the next: a table holding it compares it by reference).
/// </summary>
internal sealed class DistinctStrings
{
    /// <summary>
    /// Distinct values kept per read without a shared table: the table's arrays stay below the large-object heap (its
    /// next size, 4,049 entries, would be a large object per column and row group).
    /// </summary>
    public const int Limit = 1_900;

    /// <summary>Slots of the dictionary-entry cache (<see cref="Get(ReadOnlyMemory{char})"/>): a power of two, below the large-object heap.</summary>
    private const int EntrySlots = 2_048;

    private readonly SharedStrings? _shared;
    private readonly Entry[]? _entries;
    private readonly Dictionary<string, string>? _strings;
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private int _hits;
    private int _newPastLimit;
    private bool _off;

    /// <param name="shared">The source's table of the column's values across row groups, or null for one per read.</param>
    /// <param name="dictionaryEncoded">
    /// Whether the column chunk read has dictionary-encoded pages (<see cref="IsDictionaryEncoded"/>): Parquet.Net decodes
    /// a dictionary page once and hands every row of an entry the same characters, so <see cref="Get(ReadOnlyMemory{char})"/>
    /// finds an entry's string by those characters' identity instead of hashing them per row.
    /// </param>
    public DistinctStrings(SharedStrings? shared = null, bool dictionaryEncoded = false)
    {
        _shared = shared;
        _entries = dictionaryEncoded ? new Entry[EntrySlots] : null;
        if (shared is null)
        {
            _strings = new Dictionary<string, string>(StringComparer.Ordinal);
            _lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
        }
    }

    /// <summary>
    /// Whether <paramref name="group"/>'s chunk of <paramref name="column"/> has pages in a dictionary encoding
    /// (PLAIN_DICTIONARY or RLE_DICTIONARY; a writer that falls back to plain pages mid-chunk lists both).
    /// </summary>
    public static bool IsDictionaryEncoded(ParquetRowGroupReader group, DataField column) =>
        group.GetMetadata(column)?.MetaData?.Encodings is { } encodings && encodings.Exists(e => e is Encoding.PLAIN_DICTIONARY or Encoding.RLE_DICTIONARY);

    /// <summary>
    /// As <see cref="Get(ReadOnlySpan{char})"/>; for a dictionary-encoded chunk, rows holding the very same characters
    /// (the same array, offset and length: one dictionary entry as Parquet.Net decoded it) get the string made for the
    /// first of them without comparing the characters again. A slot holds the last entry whose array hashed to it, so a
    /// dictionary larger than the slots only finds fewer entries this way; a plain page's value (an array of its own)
    /// never matches another's.
    /// </summary>
    public string Get(ReadOnlyMemory<char> chars)
    {
        if (_entries is null || !MemoryMarshal.TryGetArray(chars, out var segment) || segment.Count == 0)
        {
            return Get(chars.Span);
        }

        ref var slot = ref _entries[RuntimeHelpers.GetHashCode(segment.Array) & (EntrySlots - 1)];
        if (ReferenceEquals(slot.Chars, segment.Array) && slot.Offset == segment.Offset && slot.Value.Length == segment.Count)
        {
            return slot.Value;
        }

        var value = Get(chars.Span);
        slot = new Entry(segment.Array!, segment.Offset, value);
        return value;
    }

    public string Get(ReadOnlySpan<char> chars)
    {
        if (_off)
        {
            return new string(chars);
        }

        if (_shared is not null)
        {
            return Shared(_shared, chars);
        }

        if (_lookup.TryGetValue(chars, out var known))
        {
            _hits++;
            return known;
        }

        var made = new string(chars);
        if (_strings!.Count < Limit)
        {
            _strings.Add(made, made);
        }
        else if (++_newPastLimit > _hits)
        {
            // Past the limit, new values outnumber the repeats found (an identifier column): stop looking them up.
            _off = true;
        }

        return made;
    }

    private string Shared(SharedStrings table, ReadOnlySpan<char> chars)
    {
        if (table.TryGet(chars, out var known))
        {
            _hits++;
            return known;
        }

        var made = new string(chars);
        if (table.TryAdd(made, out var kept))
        {
            return kept;
        }

        if (++_newPastLimit > _hits)
        {
            _off = true; // the shared table is full and this read finds more new values than repeats: an identifier column
        }

        return made;
    }

    /// <summary>A dictionary entry's characters as Parquet.Net decoded them, and their string.</summary>
    private readonly record struct Entry(char[] Chars, int Offset, string Value);
}

/// <summary>
/// INTERNAL API. The distinct values of one string column across the row groups a source reads (concurrently: a few row
/// groups are read at once), up to <see cref="Limit"/> of them; past that a read finds them while they repeat and stops
/// looking once new values outnumber the repeats (an identifier column), as <see cref="DistinctStrings"/> does per read.
/// </summary>
internal sealed class SharedStrings
{
    /// <summary>Distinct values kept per string column of a source: ~6 MB of strings and table entries for short keys.</summary>
    public const int Limit = 65_536;

    private readonly ConcurrentDictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private int _count;

    public SharedStrings() => _lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Gets the number of distinct values kept.</summary>
    public int Count => Volatile.Read(ref _count);

    public bool TryGet(ReadOnlySpan<char> chars, out string value) => _lookup.TryGetValue(chars, out value!);

    /// <summary>Keeps <paramref name="made"/> unless the table is full; <paramref name="kept"/> is the string kept for it (another reader's when it came first).</summary>
    public bool TryAdd(string made, out string kept)
    {
        if (Volatile.Read(ref _count) >= Limit)
        {
            kept = made;
            return false;
        }

        if (_strings.TryAdd(made, made))
        {
            Interlocked.Increment(ref _count);
            kept = made;
            return true;
        }

        kept = _strings.TryGetValue(made, out var first) ? first : made;
        return true;
    }
}

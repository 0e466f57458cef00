using System.Collections.Concurrent;

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

    private readonly SharedStrings? _shared;
    private readonly Dictionary<string, string>? _strings;
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private int _hits;
    private int _newPastLimit;
    private bool _off;

    public DistinctStrings(SharedStrings? shared = null)
    {
        _shared = shared;
        if (shared is null)
        {
            _strings = new Dictionary<string, string>(StringComparer.Ordinal);
            _lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
        }
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

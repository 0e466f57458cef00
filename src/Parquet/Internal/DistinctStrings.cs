namespace ActorFlow.Parquet.Internal;

/// <summary>
/// INTERNAL API. The strings of one string column of a row group: equal values share one <see cref="string"/> while
/// there are few distinct ones (a key column repeats a few values, and a string per row is what reading it allocated
/// most, and what a window or buffer held per entry). Used by the column reader and the level assembler.
/// </summary>
internal sealed class DistinctStrings
{
    /// <summary>
    /// Distinct values kept per read: the table's arrays stay below the large-object heap (its next size, 4,049
    /// entries, would be a large object per column and row group).
    /// </summary>
    public const int Limit = 1_900;

    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private int _hits;
    private int _newPastLimit;
    private bool _off;

    public DistinctStrings() => _lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();

    public string Get(ReadOnlySpan<char> chars)
    {
        if (_off)
        {
            return new string(chars);
        }

        if (_lookup.TryGetValue(chars, out var known))
        {
            _hits++;
            return known;
        }

        var made = new string(chars);
        if (_strings.Count < Limit)
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
}

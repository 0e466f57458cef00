using System.Buffers;
using System.Runtime.CompilerServices;
using global::Parquet;
using global::Parquet.Schema;

namespace ActorFlow.Parquet.Internal;

/// <summary>
/// INTERNAL API. One leaf column of a row group as the class assembler reads it: its defined values (packed, in
/// arrays rented for the read) and its definition and repetition levels, consumed entry by entry in row order.
/// </summary>
internal abstract class LevelCursor(int defined)
{
    private int[]? _definitions;
    private int[]? _repetitions;
    private int _count;
    private int _position;
    private int _value;

    /// <summary>Gets the definition level of the current entry (a column without levels is always defined).</summary>
    public int Definition => (uint)_position >= (uint)_count ? throw Exhausted() : _definitions is null ? defined : _definitions[_position];

    /// <summary>Gets a value indicating whether every entry of the column was consumed.</summary>
    public bool Consumed => _position == _count;

    /// <summary>True when the next entry continues a collection repeated at <paramref name="level"/>.</summary>
    public bool More(int level) => _repetitions is not null && _position < _count && _repetitions[_position] == level;

    /// <summary>True when the next entry belongs to a collection nested deeper than <paramref name="level"/> (it continues the current occurrence).</summary>
    public bool Continues(int level) => _repetitions is not null && _position < _count && _repetitions[_position] > level;

    /// <summary>Consumes the current entry without its value.</summary>
    public void Skip()
    {
        if (Definition >= defined)
        {
            _value++;
        }

        _position++;
    }

    public async ValueTask ReadAsync(ParquetRowGroupReader group, DataField column, CancellationToken cancellationToken)
    {
        var count = checked((int)(group.GetMetadata(column)?.MetaData?.NumValues ?? throw new InvalidDataException($"column '{column.Path}' has no data in this row group")));
        _definitions = column.MaxDefinitionLevel > 0 ? ArrayPool<int>.Shared.Rent(count) : null;
        _repetitions = column.MaxRepetitionLevel > 0 ? ArrayPool<int>.Shared.Rent(count) : null;
        _count = count;
        _position = 0;
        _value = 0;
        await ReadValuesAsync(group, column, count, _definitions?.AsMemory(0, count), _repetitions?.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Returns the rented arrays; the cursor is not read after.</summary>
    public virtual void Return()
    {
        if (_definitions is not null)
        {
            ArrayPool<int>.Shared.Return(_definitions);
            _definitions = null;
        }

        if (_repetitions is not null)
        {
            ArrayPool<int>.Shared.Return(_repetitions);
            _repetitions = null;
        }
    }

    /// <summary>Consumes the current entry, which is defined, and returns the index of its value.</summary>
    protected int Advance()
    {
        if ((uint)_position >= (uint)_count)
        {
            throw Exhausted();
        }

        _position++;
        return _value++;
    }

    /// <summary>A column whose levels hold fewer entries than its row group's rows need: a corrupt file, never stale values.</summary>
    private static InvalidDataException Exhausted() =>
        new("a column holds fewer entries than the row group's rows need (its definition or repetition levels are corrupt)");

    protected abstract ValueTask ReadValuesAsync(ParquetRowGroupReader group, DataField column, int count, Memory<int>? definitions, Memory<int>? repetitions, CancellationToken cancellationToken);
}

/// <summary>INTERNAL API. A leaf column's values as Parquet.Net decodes them (strings and byte arrays as memory).</summary>
internal sealed class LevelCursor<TRaw>(int defined) : LevelCursor(defined)
    where TRaw : struct
{
    private TRaw[] _values = [];

    /// <summary>The current entry's value (it is defined); moves to the next entry.</summary>
    public TRaw Take() => _values[Advance()];

    public override void Return()
    {
        base.Return();
        ArrayPool<TRaw>.Shared.Return(_values, clearArray: RuntimeHelpers.IsReferenceOrContainsReferences<TRaw>());
        _values = [];
    }

    protected override ValueTask ReadValuesAsync(ParquetRowGroupReader group, DataField column, int count, Memory<int>? definitions, Memory<int>? repetitions, CancellationToken cancellationToken)
    {
        _values = ArrayPool<TRaw>.Shared.Rent(count);
        return PhysicalColumns.ReadRawAsync(group, column, _values.AsMemory(0, count), definitions, repetitions, cancellationToken);
    }
}

/// <summary>
/// INTERNAL API. A string column's values: equal values of a row group are one <see cref="string"/>, as the column
/// reader makes them (up to <see cref="DistinctStrings.Limit"/> distinct values kept, so the table stays a small object; past that a new
/// value gets its own string, and the kept ones stay shared while repeats outnumber the new values).
/// </summary>
internal sealed class TextCursor(int defined) : LevelCursor(defined)
{
    private ReadOnlyMemory<char>[] _values = [];
    private DistinctStrings? _strings;
    private bool _dictionaryEncoded;

    /// <summary>The current entry's value (it is defined) as a string; moves to the next entry.</summary>
    public string TakeText() => (_strings ??= new DistinctStrings(dictionaryEncoded: _dictionaryEncoded)).Get(_values[Advance()]);

    public override void Return()
    {
        base.Return();
        ArrayPool<ReadOnlyMemory<char>>.Shared.Return(_values, clearArray: true);
        _values = [];
        _strings = null;
    }

    protected override ValueTask ReadValuesAsync(ParquetRowGroupReader group, DataField column, int count, Memory<int>? definitions, Memory<int>? repetitions, CancellationToken cancellationToken)
    {
        _values = ArrayPool<ReadOnlyMemory<char>>.Shared.Rent(count);
        _strings = null;
        _dictionaryEncoded = DistinctStrings.IsDictionaryEncoded(group, column);
        return group.ReadRawAsync(column, _values.AsMemory(0, count), definitions, repetitions, cancellationToken);
    }
}

/// <summary>
/// INTERNAL API. A node of a class over a file's columns. <see cref="First"/> is the leaf whose levels tell whether
/// the node is present (any leaf under it: they agree above it), <c>level</c> the definition level from which
/// it is not null. A node reads or skips one occurrence: an absent occurrence has exactly one entry in every leaf under it.
/// </summary>
internal abstract class LevelNode(int first, int level)
{
    public int First => first;

    public bool IsNull(LevelCursor[] leaves) => leaves[first].Definition < level;

    /// <summary>Consumes the entries of an occurrence that is null or empty.</summary>
    public abstract void Skip(LevelCursor[] leaves);
}

/// <summary>INTERNAL API. A node that makes values of <typeparamref name="TValue"/>.</summary>
internal abstract class LevelNode<TValue>(int first, int level) : LevelNode(first, level)
{
    /// <summary>Reads an occurrence that is not null (<see cref="LevelNode.IsNull"/> is false).</summary>
    public abstract TValue Read(LevelCursor[] leaves);
}

/// <summary>INTERNAL API. A value column, converted from what Parquet.Net decodes to the member's type.</summary>
internal sealed class ValueLevelNode<TRaw, TValue>(int first, int level, Func<TRaw, TValue> convert) : LevelNode<TValue>(first, level)
    where TRaw : struct
{
    public override TValue Read(LevelCursor[] leaves) => convert(Unsafe.As<LevelCursor<TRaw>>(leaves[First]).Take());

    public override void Skip(LevelCursor[] leaves) => leaves[First].Skip();
}

/// <summary>INTERNAL API. A string column into a <see cref="string"/> member, its equal values shared (<see cref="TextCursor"/>).</summary>
internal sealed class TextLevelNode(int first, int level) : LevelNode<string>(first, level)
{
    public override string Read(LevelCursor[] leaves) => Unsafe.As<TextCursor>(leaves[First]).TakeText();

    public override void Skip(LevelCursor[] leaves) => leaves[First].Skip();
}

/// <summary>INTERNAL API. Only consumes a leaf's entries: the presence and repetition of a struct none of whose columns a class reads.</summary>
internal sealed class ProbeLevelNode(int first, int repetition) : LevelNode(first, 0)
{
    /// <summary>Consumes the occurrence's entries: one, and those of lists or maps inside the struct (the probed leaf can be under one).</summary>
    public override void Skip(LevelCursor[] leaves)
    {
        leaves[First].Skip();
        while (leaves[First].Continues(repetition))
        {
            leaves[First].Skip();
        }
    }
}

/// <summary>INTERNAL API. Sets a member of a record (a class, or a struct by reference).</summary>
internal delegate void MemberSetter<TRecord, TMember>(ref TRecord record, TMember value);

/// <summary>INTERNAL API. One member of a record and the node it is read from.</summary>
internal abstract class MemberSlot<TRecord>
{
    public abstract LevelNode Node { get; }

    public abstract void Read(ref TRecord record, LevelCursor[] leaves);
}

/// <summary>
/// INTERNAL API. A null leaves the member as the constructor left it (as the column reader does), or fails the row
/// group with <paramref name="nullError"/> when the member cannot hold null.
/// </summary>
internal sealed class MemberSlot<TRecord, TMember>(LevelNode<TMember> node, MemberSetter<TRecord, TMember> set, string? nullError) : MemberSlot<TRecord>
{
    public override LevelNode Node => node;

    public override void Read(ref TRecord record, LevelCursor[] leaves)
    {
        if (node.IsNull(leaves))
        {
            if (nullError is not null)
            {
                throw new InvalidDataException(nullError);
            }

            node.Skip(leaves);
            return;
        }

        set(ref record, node.Read(leaves));
    }
}

/// <summary>INTERNAL API. A struct column as a class (or C# struct): a new one per occurrence, its members set from its fields.</summary>
internal sealed class RecordLevelNode<TRecord>(int first, int level, Func<TRecord> create, MemberSlot<TRecord>[] members, LevelNode? probe) : LevelNode<TRecord>(first, level)
{
    public override TRecord Read(LevelCursor[] leaves)
    {
        var record = create();
        foreach (var member in members)
        {
            member.Read(ref record, leaves);
        }

        probe?.Skip(leaves);
        return record;
    }

    public override void Skip(LevelCursor[] leaves)
    {
        foreach (var member in members)
        {
            member.Node.Skip(leaves);
        }

        probe?.Skip(leaves);
    }
}

/// <summary>INTERNAL API. A nullable C# struct (<c>Point?</c>) of a struct column.</summary>
internal sealed class NullableLevelNode<TStruct>(LevelNode<TStruct> inner, int level) : LevelNode<TStruct?>(inner.First, level)
    where TStruct : struct
{
    public override TStruct? Read(LevelCursor[] leaves) => inner.Read(leaves);

    public override void Skip(LevelCursor[] leaves) => inner.Skip(leaves);
}

/// <summary>
/// INTERNAL API. A list, collected in a <see cref="List{T}"/> that <paramref name="finish"/> makes the member's
/// collection: empty below its elements' definition level, else elements while the next entry repeats at the list's
/// repetition level. A null element is null, or fails the row group with <paramref name="nullError"/> when the element
/// type cannot hold null.
/// </summary>
internal sealed class ListLevelNode<TCollection, TElement>(int first, int level, int elementLevel, int repetition, LevelNode<TElement> item, Func<List<TElement>, TCollection> finish, string? nullError)
    : LevelNode<TCollection>(first, level)
{
    public override TCollection Read(LevelCursor[] leaves)
    {
        if (leaves[First].Definition < elementLevel)
        {
            item.Skip(leaves);
            return finish([]);
        }

        var list = new List<TElement>();
        do
        {
            list.Add(Element(leaves));
        }
        while (leaves[First].More(repetition));
        return finish(list);
    }

    public override void Skip(LevelCursor[] leaves) => item.Skip(leaves);

    private TElement Element(LevelCursor[] leaves)
    {
        if (!item.IsNull(leaves))
        {
            return item.Read(leaves);
        }

        if (nullError is not null)
        {
            throw new InvalidDataException(nullError);
        }

        item.Skip(leaves);
        return default!;
    }
}

/// <summary>INTERNAL API. A map, collected in a <see cref="Dictionary{TKey, TValue}"/> that <paramref name="finish"/> makes the member's: empty below its entries' definition level; a later equal key wins.</summary>
internal sealed class MapLevelNode<TMap, TKey, TValue>(int first, int level, int entryLevel, int repetition, LevelNode<TKey> key, LevelNode<TValue> value, Func<Dictionary<TKey, TValue>, TMap> finish, string keyNullError, string? valueNullError)
    : LevelNode<TMap>(first, level)
    where TKey : notnull
{
    public override TMap Read(LevelCursor[] leaves)
    {
        var map = new Dictionary<TKey, TValue>();
        if (leaves[First].Definition < entryLevel)
        {
            Skip(leaves);
            return finish(map);
        }

        do
        {
            var k = key.IsNull(leaves) ? throw new InvalidDataException(keyNullError) : key.Read(leaves);
            map[k] = Value(leaves);
        }
        while (leaves[First].More(repetition));
        return finish(map);
    }

    public override void Skip(LevelCursor[] leaves)
    {
        key.Skip(leaves);
        value.Skip(leaves);
    }

    private TValue Value(LevelCursor[] leaves)
    {
        if (!value.IsNull(leaves))
        {
            return value.Read(leaves);
        }

        if (valueNullError is not null)
        {
            throw new InvalidDataException(valueNullError);
        }

        value.Skip(leaves);
        return default!;
    }
}

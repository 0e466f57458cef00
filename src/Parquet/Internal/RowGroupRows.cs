using global::Parquet;
using global::Parquet.Schema;
using global::Parquet.Serialization;

namespace ActorFlow.Parquet.Internal;

/// <summary>INTERNAL API. How a <see cref="ParquetSource{T}"/> turns a row group into records of <typeparamref name="T"/>.</summary>
internal abstract class RowGroupRows<T>
    where T : class
{
    /// <summary>Gets the name of what is read, for messages.</summary>
    public abstract string Name { get; }

    /// <summary>Checks a file's schema against what is read before any of its row groups is planned; throws
    /// <see cref="InvalidDataException"/> naming the file and the column. <paramref name="hivePath"/> is the path whose
    /// Hive directories the file has. Returns the file's columns that are read.</summary>
    public abstract IReadOnlyList<DataField> Check(ParquetSchema file, string path, string hivePath);

    /// <summary>Reads rows <paramref name="start"/> to the end of a row group, each with its row index, and returns the row group's row count.</summary>
    public abstract ValueTask<int> ReadAsync(Stream stream, RowGroupPart part, int start, Action<T, int> add, CancellationToken cancellationToken);

    /// <summary>What to set on each row of a file from the Hive directories of <paramref name="hivePath"/> (<see cref="FileSelection.HivePathOf"/>), or null.</summary>
    public virtual Action<object>? FillFor(string hivePath, ParquetSchema schema) => null;
}

/// <summary>
/// INTERNAL API. Rows of a class: its public properties are the projection; column by column when it is flat and the
/// file's columns fit (<see cref="FlatRowReader{T}"/>), else assembled from the columns' levels (<see cref="ClassLevels{T}"/>).
/// A positional record (no parameterless constructor) reads column by column only.
/// </summary>
internal sealed class ClassRows<T> : RowGroupRows<T>
    where T : class
{
    private readonly DataField[] _projection;
    private readonly FlatRowReader<T>? _flat;
    private readonly ClassLevels<T>? _levels;
    private readonly HivePartitionColumns<T> _hive = new();

    public ClassRows()
    {
        if (ClrMembers.Unsupported(typeof(T), timeOnly: false) is { } reason)
        {
            throw new NotSupportedException($"ParquetSource<{typeof(T).Name}>: {reason}.");
        }

        _flat = FlatRowReader<T>.TryCreate();
        if (_flat is null && !typeof(T).IsValueType && typeof(T).GetConstructor(Type.EmptyTypes) is null)
        {
            throw new NotSupportedException(
                $"ParquetSource<{typeof(T).Name}>: a class without a parameterless constructor (a positional record) reads only column by column: its columns all top-level, of types the column reader sets (numbers, bool, decimal, string, byte[], DateTime, DateOnly, TimeOnly, Guid and their nullable forms; not enums or nested members), and its constructor's parameters its members (by name, of the same type); give it a parameterless constructor and settable properties to read the others.");
        }

        try
        {
            _levels = new ClassLevels<T>();
        }
        catch (NotSupportedException) when (_flat is not null && typeof(T).GetConstructor(Type.EmptyTypes) is null)
        {
            _levels = null; // a positional record: its files are read column by column (ReadAsync says when one cannot be)
        }
        catch (NotSupportedException e)
        {
            throw new NotSupportedException($"ParquetSource<{typeof(T).Name}>: {e.Message}.", e);
        }

        _projection = typeof(T).GetParquetSchema(false).GetDataFields();
    }

    public override string Name => typeof(T).Name;

    public override IReadOnlyList<DataField> Check(ParquetSchema file, string path, string hivePath)
    {
        var read = FileSchemas.CheckProjection(file, _projection, path, typeof(T).Name).ToList();
        if (_levels is not null)
        {
            // The assembler matches lists and maps by their structure, whatever their inner names (arrow's "item").
            var leaves = _levels.Check(file, path).ToHashSet(StringComparer.Ordinal);
            read.AddRange(file.GetDataFields().Where(f => leaves.Contains(f.Path.ToString()) && !read.Contains(f)));
        }

        return read;
    }

    public override Action<object>? FillFor(string hivePath, ParquetSchema schema) =>
        _hive.For(hivePath, schema.Fields.Select(f => f.Name).ToHashSet(StringComparer.OrdinalIgnoreCase));

    public override async ValueTask<int> ReadAsync(Stream stream, RowGroupPart part, int start, Action<T, int> add, CancellationToken cancellationToken)
    {
        await using var reader = await LegacyLists.OpenAsync(stream, cancellationToken).ConfigureAwait(false);
        if (_flat is not null && await _flat.TryReadAsync(reader, part.RowGroup, start, add, cancellationToken).ConfigureAwait(false) is { } read)
        {
            return read;
        }

        return _levels is null
            ? throw new InvalidDataException($"a column of the file does not fit {typeof(T).Name}'s member column by column (its type or nullability), and a class without a parameterless constructor reads no other way")
            : await _levels.ReadAsync(reader, part.RowGroup, start, add, cancellationToken).ConfigureAwait(false);
    }
}

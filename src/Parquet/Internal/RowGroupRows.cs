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

/// <summary>INTERNAL API. Rows of a class: its public properties are the projection; column by column when it is flat, else through Parquet.Net's serializer.</summary>
internal sealed class ClassRows<T> : RowGroupRows<T>
    where T : class
{
    /// <summary>Parquet.Net's serializer, for a <typeparamref name="T"/> with a parameterless constructor (it needs one).</summary>
    private static readonly Func<Stream, ParquetOptions, int, CancellationToken, Task<IList<T>>>? Deserialize =
        typeof(T).GetConstructor(Type.EmptyTypes) is null
            ? null
            : typeof(SerializerRead<>).MakeGenericType(typeof(T)).GetMethod(nameof(SerializerRead<>.ReadAsync))!
                .CreateDelegate<Func<Stream, ParquetOptions, int, CancellationToken, Task<IList<T>>>>();

    /// <summary>Columns match members ignoring case, as in DuckDB and Spark (a file's <c>id</c> is a class's <c>Id</c>).</summary>
    private static readonly ParquetOptions SerializerOptions = new() { PropertyNameCaseInsensitive = true };
    private readonly DataField[] _projection;
    private readonly FlatRowReader<T>? _flat;
    private readonly HivePartitionColumns<T> _hive = new();
    private EmptyCollections<T>? _empty;

    public ClassRows()
    {
        // A TimeOnly reads right only column by column (Parquet.Net's serializer takes TIME microseconds for ticks).
        if (ClrMembers.Unsupported(typeof(T), timeOnly: false) is { } reason)
        {
            throw new NotSupportedException($"ParquetSource<{typeof(T).Name}>: {reason}.");
        }

        _flat = FlatRowReader<T>.TryCreate();
        if (_flat is null && Deserialize is null)
        {
            throw new NotSupportedException(
                $"ParquetSource<{typeof(T).Name}>: a class without a parameterless constructor (a positional record) reads only when its columns are all top-level and its constructor's parameters are its members (by name, of the same type); give it a parameterless constructor and settable properties to read nested members.");
        }

        if (_flat is null && ClrMembers.Unsupported(typeof(T), timeOnly: true) is { } time)
        {
            throw new NotSupportedException($"ParquetSource<{typeof(T).Name}>: {time}; a TimeOnly reads right only in a class whose columns are all top-level (read column by column), or read the column as a long.");
        }

        _projection = typeof(T).GetParquetSchema(false).GetDataFields();
    }

    public override string Name => typeof(T).Name;

    public override IReadOnlyList<DataField> Check(ParquetSchema file, string path, string hivePath) => FileSchemas.CheckProjection(file, _projection, path, typeof(T).Name);

    public override Action<object>? FillFor(string hivePath, ParquetSchema schema) =>
        _hive.For(hivePath, schema.Fields.Select(f => f.Name).ToHashSet(StringComparer.OrdinalIgnoreCase));

    public override async ValueTask<int> ReadAsync(Stream stream, RowGroupPart part, int start, Action<T, int> add, CancellationToken cancellationToken)
    {
        var rowGroup = part.RowGroup;
        // One reader of the file's footer serves the column path and the serializer path's checks before and after it.
        await using var reader = await ParquetReader.CreateAsync(stream, leaveStreamOpen: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (_flat is not null && await _flat.TryReadAsync(reader, rowGroup, start, add, cancellationToken).ConfigureAwait(false) is { } read)
        {
            return read;
        }

        await NullListElements.ThrowIfAnyAsync(reader, rowGroup, _projection, cancellationToken).ConfigureAwait(false);
        stream.Position = 0;
        var all = await Deserialize!(stream, SerializerOptions, rowGroup, cancellationToken).ConfigureAwait(false);
        await (_empty ??= new EmptyCollections<T>()).FillAsync(reader, rowGroup, all, cancellationToken).ConfigureAwait(false);
        for (var row = start; row < all.Count; row++)
        {
            add(all[row], row);
        }

        return all.Count;
    }
}

/// <summary>INTERNAL API. Parquet.Net's serializer over one row group (it needs a parameterless constructor, which <see cref="ClassRows{T}"/> does not).</summary>
internal static class SerializerRead<T>
    where T : class, new()
{
    public static async Task<IList<T>> ReadAsync(Stream stream, ParquetOptions options, int rowGroup, CancellationToken cancellationToken) =>
        (await ParquetSerializer.DeserializeAsync<T>(stream, options, rowGroup, cancellationToken).ConfigureAwait(false)).Data;
}

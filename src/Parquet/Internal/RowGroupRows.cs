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
    /// <see cref="InvalidDataException"/> naming the file and the column.</summary>
    public abstract void Check(ParquetSchema file, string path);

    /// <summary>Reads rows <paramref name="start"/> to the end of a row group, each with its row index, and returns the row group's row count.</summary>
    public abstract ValueTask<int> ReadAsync(Stream stream, int rowGroup, int start, Action<T, int> add, CancellationToken cancellationToken);
}

/// <summary>INTERNAL API. Rows of a class: its public properties are the projection; column by column when it is flat, else through Parquet.Net's serializer.</summary>
internal sealed class ClassRows<T> : RowGroupRows<T>
    where T : class, new()
{
    private readonly DataField[] _projection = typeof(T).GetParquetSchema(false).GetDataFields();
    private readonly FlatRowReader<T>? _flat = FlatRowReader<T>.TryCreate();

    public override string Name => typeof(T).Name;

    public override void Check(ParquetSchema file, string path) => FileSchemas.CheckProjection(file, _projection, path, typeof(T).Name);

    public override async ValueTask<int> ReadAsync(Stream stream, int rowGroup, int start, Action<T, int> add, CancellationToken cancellationToken)
    {
        if (_flat is not null)
        {
            await using var reader = await ParquetReader.CreateAsync(stream, leaveStreamOpen: true, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (await _flat.TryReadAsync(reader, rowGroup, start, add, cancellationToken).ConfigureAwait(false) is { } read)
            {
                return read;
            }
        }

        stream.Position = 0;
        var all = (await ParquetSerializer.DeserializeAsync<T>(stream, null, rowGroup, cancellationToken).ConfigureAwait(false)).Data;
        for (var row = start; row < all.Count; row++)
        {
            add(all[row], row);
        }

        return all.Count;
    }
}

using System.Buffers;
using global::Parquet;

namespace ActorFlow.Parquet.Internal;

/// <summary>
/// INTERNAL API. One file being written: rows are buffered up to a row group, then appended to the in-progress file
/// (<c>.part-….parquet.inprogress</c>, which no <c>*.parquet</c> glob matches). After each row group the file is a
/// complete Parquet file; it is fsynced and closed at <see cref="CloseAsync"/>, and renamed to its final name only
/// by the commit of the checkpoint that covers it.
/// </summary>
internal sealed class InProgressFile(string directory, string relativePath, FileSchema schema, long openedAt)
{
    private readonly List<object> _buffer = [];
    private FileStream? _stream;
    private int _rowGroups;

    /// <summary>The in-progress file, relative to the sink's directory (the committable).</summary>
    public string RelativePath => relativePath;

    public FileSchema Schema => schema;

    public long Rows { get; private set; }

    /// <summary>The file's size after its last row group (not a system call per record).</summary>
    public long Bytes { get; private set; }

    public long OpenedAt => openedAt;

    public int Buffered => _buffer.Count;

    public void Add(object row)
    {
        _buffer.Add(row);
        Rows++;
    }

    /// <summary>Appends the buffered rows as one row group.</summary>
    public async Task FlushAsync(ParquetOptions options, CancellationToken cancellationToken)
    {
        if (_buffer.Count == 0)
        {
            return;
        }

        var path = Path.Combine(directory, relativePath);
        var append = options.Append;
        try
        {
            if (_stream is null)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                _stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, 1 << 16, useAsync: false);
            }

            options.Append = _rowGroups > 0;
            await schema.WriteRowGroupAsync(_buffer, _stream, options, cancellationToken).ConfigureAwait(false);
            StatisticsMends.MendLastRowGroup(_stream, await MendsAsync(_stream, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Parquet sink cannot write '{path}': {e.Message}", e);
        }
        catch (ApplicationException e) when (e.GetBaseException() is IOException or UnauthorizedAccessException)
        {
            // Parquet.Net wraps a failed write ("failed to serialise data column 'x'"); the cause is what an operator acts on.
            throw new IOException($"Parquet sink cannot write '{path}': {e.GetBaseException().Message} ({e.Message})", e);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentOutOfRangeException)
        {
            // The metadata Parquet.Net wrote could not be walked to mend its statistics (StatisticsMends).
            throw new InvalidDataException($"Parquet sink cannot mend the statistics of '{path}': {e.Message}", e);
        }
        finally
        {
            options.Append = append;
        }

        _rowGroups++;
        _buffer.Clear();
        Bytes = _stream!.Length;
    }

    /// <summary>
    /// What <see cref="StatisticsMends"/> puts right in the row group just written: the UUID columns' byte order, the
    /// string columns' bounds where Parquet.Net's order may differ from the format's, and the exact bounds of the
    /// TIMESTAMP columns in micro- or nanoseconds, read back from the row group.
    /// </summary>
    private async Task<Dictionary<string, StatisticMend>> MendsAsync(FileStream file, CancellationToken cancellationToken)
    {
        var mends = new Dictionary<string, StatisticMend>(StringComparer.Ordinal);
        foreach (var column in schema.UuidColumns)
        {
            mends[column] = StatisticsMends.Uuid;
        }

        foreach (var column in schema.StringColumns)
        {
            mends[column] = StatisticsMends.Utf8;
        }

        if (schema.FinerTimestampColumns.Count == 0)
        {
            return mends;
        }

        file.Position = 0;
        await using var reader = await ParquetReader.CreateAsync(file, leaveStreamOpen: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        using var group = reader.OpenRowGroupReader(reader.RowGroupCount - 1);
        foreach (var field in reader.Schema.GetDataFields())
        {
            var column = FileSchema.PathOf(field.Path.ToList());
            if (schema.FinerTimestampColumns.Contains(column) && group.GetMetadata(field)?.MetaData is { } chunk
                && await BoundsAsync(group, field, checked((int)chunk.NumValues), cancellationToken).ConfigureAwait(false) is var (min, max))
            {
                mends[column] = StatisticsMends.Int64(min, max);
            }
        }

        return mends;
    }

    /// <summary>The least and greatest raw INT64 of a column chunk of <paramref name="entries"/> level entries; null when every value is null.</summary>
    private static async Task<(long Min, long Max)?> BoundsAsync(ParquetRowGroupReader group, global::Parquet.Schema.DataField field, int entries, CancellationToken cancellationToken)
    {
        var values = ArrayPool<long>.Shared.Rent(entries);
        var definitions = field.MaxDefinitionLevel > 0 ? ArrayPool<int>.Shared.Rent(entries) : null;
        var repetitions = field.MaxRepetitionLevel > 0 ? ArrayPool<int>.Shared.Rent(entries) : null;
        try
        {
            await group.ReadRawAsync(
                PhysicalColumns.As(field, typeof(long)), values.AsMemory(0, entries), definitions?.AsMemory(0, entries), repetitions?.AsMemory(0, entries), cancellationToken).ConfigureAwait(false);
            var defined = definitions is null ? entries : definitions.AsSpan(0, entries).Count(field.MaxDefinitionLevel);
            if (defined == 0)
            {
                return null;
            }

            var span = values.AsSpan(0, defined);
            long min = long.MaxValue, max = long.MinValue;
            foreach (var value in span)
            {
                min = Math.Min(min, value);
                max = Math.Max(max, value);
            }

            return (min, max);
        }
        finally
        {
            ArrayPool<long>.Shared.Return(values);
            if (definitions is not null)
            {
                ArrayPool<int>.Shared.Return(definitions);
            }

            if (repetitions is not null)
            {
                ArrayPool<int>.Shared.Return(repetitions);
            }
        }
    }

    /// <summary>Writes what is buffered, makes the file durable and closes it.</summary>
    public async Task CloseAsync(ParquetOptions options, CancellationToken cancellationToken)
    {
        await FlushAsync(options, cancellationToken).ConfigureAwait(false);
        if (_stream is { } stream)
        {
            try
            {
                stream.Flush(flushToDisk: true);
                await stream.DisposeAsync().ConfigureAwait(false);
            }
            catch (IOException e)
            {
                throw new IOException($"Parquet sink cannot write '{Path.Combine(directory, relativePath)}': {e.Message}", e);
            }

            _stream = null;
        }
    }

    /// <summary>The run ended before this file was pre-committed: remove it (recovery would anyway).</summary>
    public async Task AbandonAsync()
    {
        if (_stream is { } stream)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            _stream = null;
        }

        try
        {
            File.Delete(Path.Combine(directory, relativePath));
        }
        catch (IOException)
        {
            // Recovery removes it.
        }
    }

    /// <summary>Whether any row was ever written to disk.</summary>
    public bool HasFile => _rowGroups > 0;
}

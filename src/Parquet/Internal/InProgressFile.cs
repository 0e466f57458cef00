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
            UuidStatistics.MendLastRowGroup(_stream, schema.UuidColumns);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Parquet sink cannot write '{path}': {e.Message}", e);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentOutOfRangeException)
        {
            // The metadata Parquet.Net wrote could not be walked to mend its UUID statistics (UuidStatistics).
            throw new InvalidDataException($"Parquet sink cannot mend the UUID statistics of '{path}': {e.Message}", e);
        }
        finally
        {
            options.Append = append;
        }

        _rowGroups++;
        _buffer.Clear();
        Bytes = _stream!.Length;
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

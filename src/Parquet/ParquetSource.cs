using ActorFlow.Parquet.Internal;
using ActorFlow.Topology.Connectors;
using Akka;
using Akka.Streams.Dsl;
using global::Parquet;
using global::Parquet.Serialization;

namespace ActorFlow.Parquet;

/// <summary>Parquet file sources for the job DSL: <c>.FromSource("name", ParquetSource.For&lt;T&gt;(directory, options), strategy)</c>.</summary>
public static class ParquetSource
{
    /// <summary>
    /// Reads every <c>*.parquet</c> file under <paramref name="directory"/> (recursively; in-progress files of a
    /// <see cref="ParquetSink{T}"/> are never read) as a bounded source of <typeparamref name="T"/>: one partition per
    /// row group, each completing at its end. Columns map to <typeparamref name="T"/>'s public properties by name, so
    /// <typeparamref name="T"/> is the projection: only its columns are read; a column a file lacks is left at its
    /// default (files of different schema versions read as one), or set from the file's Hive directory of that name
    /// (<c>dt=2026-11-25</c>, as Spark and DuckDB read partition columns); a column of another type fails (or skips) the file.
    /// </summary>
    public static ParquetSource<T> For<T>(string directory, ParquetSourceOptions<T>? options = null)
        where T : class, new() => new(directory, options ?? new ParquetSourceOptions<T>());
}

/// <summary>
/// A bounded source over a directory of Parquet files. Partition ids are <c>relative/path.parquet/rowGroup</c>; the
/// offset of a record is its row within the row group, so a restored run skips the rows a checkpoint covered. The
/// file set and row groups are fixed when the first run plans them (a failover of the job reads to the same end; a new
/// source object, e.g. after a process restart, plans again).
/// </summary>
public sealed class ParquetSource<T> : ISourceConnector<T>
    where T : class, new()
{
    private readonly string _directory;
    private readonly ParquetSourceOptions<T> _options;
    private readonly global::Parquet.Schema.DataField[] _projection;
    private readonly FlatRowReader<T>? _flat;
    private readonly HivePartitionColumns<T> _hive = new();
    private EmptyCollections<T>? _empty;

    /// <summary>Columns match members ignoring case, as in DuckDB and Spark (a file's <c>id</c> is a class's <c>Id</c>).</summary>
    private static readonly ParquetOptions SerializerOptions = new() { PropertyNameCaseInsensitive = true };

    internal ParquetSource(string directory, ParquetSourceOptions<T> options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(options);
        if (options.ChunkSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ChunkSize, "ChunkSize must be at least 1.");
        }

        // A TimeOnly reads right only column by column (Parquet.Net's serializer takes TIME microseconds for ticks).
        if (ClrMembers.Unsupported(typeof(T), timeOnly: false) is { } reason)
        {
            throw new NotSupportedException($"ParquetSource<{typeof(T).Name}>: {reason}.");
        }

        _flat = FlatRowReader<T>.TryCreate();
        if (_flat is null && ClrMembers.Unsupported(typeof(T), timeOnly: true) is { } time)
        {
            throw new NotSupportedException($"ParquetSource<{typeof(T).Name}>: {time}; a TimeOnly reads right only in a class whose columns are all top-level (read column by column), or read the column as a long.");
        }

        _projection = typeof(T).GetParquetSchema(false).GetDataFields();
        _directory = Path.GetFullPath(directory);
        _options = options;
    }

    private List<RowGroupPart>? _planned;

    /// <summary>What the source read and skipped so far (over all runs).</summary>
    public ParquetSourceMetrics Metrics { get; } = new();

    /// <summary>Gets <see cref="Boundedness.Bounded"/>: a job whose sources are all bounded ends by itself at the end of the files.</summary>
    public Boundedness Boundedness => Boundedness.Bounded;

    /// <summary>Gets true: a row group is read only when its partition runs, so batch mode reads a few at a time (<c>JobRunnerOptions.BatchSourceParallelism</c>).</summary>
    public bool PartitionsCanWait => true;

    /// <inheritdoc />
    public Source<(string Partition, Source<IReadOnlyList<SourceRecord<T>>, NotUsed> Records), ISourceControl> Partitions(IReadOnlyDictionary<string, long> startOffsets)
    {
        ArgumentNullException.ThrowIfNull(startOffsets);
        var control = new FileSourceControl();
        return Source.Single(0)
            // The file set and row groups are fixed by the first run: a failover reads to the same end (the contract of a bounded source).
            .SelectAsync(1, async _ => _planned ??= await PlanAsync(control.Token).ConfigureAwait(false))
            .SelectMany(parts => parts)
            .TakeWhile(_ => !control.Stopped)
            .Select(part => (part.Id, Read(part, startOffsets.GetValueOrDefault(part.Id, 0), control)))
            .MapMaterializedValue(ISourceControl (_) => control);
    }

    /// <summary>The row groups to read: files after partition pruning, row groups after statistics pruning.</summary>
    internal async Task<List<RowGroupPart>> PlanAsync(CancellationToken cancellationToken)
    {
        var parts = new List<RowGroupPart>();
        if (!Directory.Exists(_directory))
        {
            throw new DirectoryNotFoundException($"Parquet source: the directory '{_directory}' does not exist.");
        }

        foreach (var file in Directory.EnumerateFiles(_directory, "*.parquet", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(_directory, file).Replace('\\', '/');
            if (_options.PartitionFilter is { } filter && !filter(HivePartitions.Of(relative)))
            {
                Metrics.FilePruned();
                continue;
            }

            try
            {
                await using var reader = await ParquetReader.CreateAsync(file, cancellationToken: cancellationToken).ConfigureAwait(false);
                FileSchemas.CheckProjection(reader.Schema, _projection, file, typeof(T).Name);
                var fill = _hive.For(relative, reader.Schema.Fields.Select(f => f.Name).ToHashSet(StringComparer.OrdinalIgnoreCase));
                Metrics.FileRead();
                for (var g = 0; g < reader.RowGroupCount; g++)
                {
                    using var group = reader.OpenRowGroupReader(g);
                    if (RowGroupStatistics.Excludes(reader.Schema, group, _options.RowGroupFilters))
                    {
                        Metrics.RowGroupSkipped();
                        continue;
                    }

                    parts.Add(new RowGroupPart(file, SourcePartitionIds.Format(relative, g), g, group.RowCount, fill));
                }
            }
            catch (Exception e) when (e is not (OutOfMemoryException or OperationCanceledException))
            {
                BadFile(file, e);
            }
        }

        return parts;
    }

    private Source<IReadOnlyList<SourceRecord<T>>, NotUsed> Read(RowGroupPart part, long start, FileSourceControl control) =>
        start >= part.Rows
            ? Source.Empty<IReadOnlyList<SourceRecord<T>>>()
            : Source.Single(part)
                .SelectAsync(1, p => ReadRowGroupAsync(p, start, control.Token))
                .SelectMany(chunks => chunks)
                .TakeWhile(_ => !control.Stopped);

    private async Task<List<IReadOnlyList<SourceRecord<T>>>> ReadRowGroupAsync(RowGroupPart part, long start, CancellationToken cancellationToken)
    {
        var chunks = new List<IReadOnlyList<SourceRecord<T>>>();
        var chunk = new List<SourceRecord<T>>(_options.ChunkSize);
        void Add(T value, int row)
        {
            part.Fill?.Invoke(value);
            long timestamp;
            try
            {
                timestamp = _options.Timestamp?.Invoke(value) ?? 0;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new TimestampFailed(e); // the user's function, not the file: it fails the source as it is
            }

            chunk.Add(new SourceRecord<T>(value, timestamp, part.Id, row));
            if (chunk.Count == _options.ChunkSize)
            {
                chunks.Add(chunk);
                chunk = new List<SourceRecord<T>>(_options.ChunkSize);
            }
        }

        int rows;
        try
        {
            await using var stream = new FileStream(part.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
            if (await ReadFlatAsync(stream, part, (int)start, Add, cancellationToken).ConfigureAwait(false) is { } read)
            {
                rows = read;
            }
            else
            {
                stream.Position = 0;
                await NullListElements.ThrowIfAnyAsync(stream, part.RowGroup, _projection, cancellationToken).ConfigureAwait(false);
                stream.Position = 0;
                var all = (await ParquetSerializer.DeserializeAsync<T>(stream, SerializerOptions, part.RowGroup, cancellationToken).ConfigureAwait(false)).Data;
                stream.Position = 0;
                await (_empty ??= new EmptyCollections<T>()).FillAsync(stream, part.RowGroup, all, cancellationToken).ConfigureAwait(false);
                rows = all.Count;
                for (var row = (int)start; row < all.Count; row++)
                {
                    Add(all[row], row);
                }
            }
        }
        catch (TimestampFailed e)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException!);
            throw;
        }
        catch (Exception e) when (e is not (OutOfMemoryException or OperationCanceledException))
        {
            BadFile(part.Path, e, $"row group {part.RowGroup}: ");
            return [];
        }

        Metrics.RowGroupRead(rows);
        if (chunk.Count > 0)
        {
            chunks.Add(chunk);
        }

        return chunks;
    }

    /// <summary>Reads a row group column by column when <typeparamref name="T"/> and the file allow (<see cref="FlatRowReader{T}"/>): its row count, or null.</summary>
    private async ValueTask<int?> ReadFlatAsync(Stream stream, RowGroupPart part, int start, Action<T, int> add, CancellationToken cancellationToken)
    {
        if (_flat is null)
        {
            return null;
        }

        await using var reader = await ParquetReader.CreateAsync(stream, leaveStreamOpen: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        return await _flat.TryReadAsync(reader, part.RowGroup, start, add, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The source's timestamp function threw while a row group was read: not a bad file.</summary>
    private sealed class TimestampFailed(Exception inner) : Exception(inner.Message, inner);

    private void BadFile(string file, Exception e, string where = "")
    {
        var error = e is InvalidDataException && e.Message.Contains(file, StringComparison.Ordinal)
            ? (InvalidDataException)e
            : new InvalidDataException($"Parquet input '{file}' cannot be read: {where}{e.Message}", e);
        if (_options.OnBadFileAction == BadFileAction.Fail)
        {
            throw error;
        }

        Metrics.FileSkipped();
        _options.OnBadFile?.Invoke(file, error);
    }
}

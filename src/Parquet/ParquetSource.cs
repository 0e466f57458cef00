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
    /// Reads the Parquet files of <paramref name="path"/> as a bounded source of <typeparamref name="T"/>: one
    /// partition per row group, each completing at its end. <paramref name="path"/> is, as for DuckDB's
    /// <c>read_parquet</c>, a directory (every <c>*.parquet</c> file under it, recursively), one file, or a glob:
    /// <c>*</c> and <c>?</c> match within a path segment, <c>[a-z]</c> and <c>[!a]</c> one character, <c>**</c> any
    /// number of directories (<c>/data/lake/orders/dt=2026-11-*/**/*.parquet</c>). In-progress files of a
    /// <see cref="ParquetSink{T}"/> are never read. Columns map to <typeparamref name="T"/>'s public properties by
    /// name (ignoring case when no name matches exactly; a positional record of top-level members gets them through
    /// its constructor's parameters), so <typeparamref name="T"/> is the projection: only its
    /// columns are read; a column a file lacks is left at its default (files of different schema versions read as one),
    /// or set from the file's Hive directory of that name (<c>dt=2026-11-25</c>, as Spark and DuckDB read partition
    /// columns); a column of another type fails (or skips) the file.
    /// </summary>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> has a member type the source cannot read right (named),
    /// or has no parameterless constructor and nested members.</exception>
    /// <exception cref="ArgumentException">The glob is malformed (an empty segment, a <c>[</c> without <c>]</c>).</exception>
    public static ParquetSource<T> For<T>(string path, ParquetSourceOptions<T>? options = null)
        where T : class => new(path, options ?? new ParquetSourceOptions<T>(), new ClassRows<T>());

    /// <summary>
    /// Reads the Parquet files of <paramref name="path"/> (as <see cref="For{T}"/>) as Avro records of
    /// <paramref name="readerSchema"/>: what <see cref="ParquetSink"/> landed from Avro records reads back as it was, and
    /// files of other writers read by the same mapping (a struct is a record, a LIST an array, a MAP a map, TIMESTAMP a
    /// timestamp-millis/micros <see cref="DateTime"/> in UTC, DATE a date, DECIMAL an <see cref="Avro.AvroDecimal"/>, UUID a
    /// <see cref="Guid"/>, a string an enum symbol). Fields match columns by name, as Avro's schema resolution: a field
    /// a file lacks takes its default (without one the file is bad), a column the schema lacks is not kept, an int or
    /// long widens to long, float or double. A file whose columns cannot hold the fields is bad before any of its rows is
    /// read; a value that does not fit its field (a null where the schema allows none) makes its row group bad (failed
    /// or skipped by <see cref="ParquetSourceOptions{T}.OnBadFileAction"/>, naming the file and the field). Only the
    /// schema's columns are read.
    /// </summary>
    /// <exception cref="ArgumentException">The schema holds a union other than <c>["null", X]</c>, which has no Parquet form.</exception>
    public static ParquetSource<Avro.Generic.GenericRecord> ForAvro(string path, Avro.RecordSchema readerSchema, ParquetSourceOptions<Avro.Generic.GenericRecord>? options = null)
    {
        ArgumentNullException.ThrowIfNull(readerSchema);
        return new(path, options ?? new ParquetSourceOptions<Avro.Generic.GenericRecord>(), new AvroRows(readerSchema));
    }

    /// <summary>Reads the Parquet files of <paramref name="path"/> as specific Avro records (a class generated from an
    /// Avro schema), as <see cref="ForAvro(string, Avro.RecordSchema, ParquetSourceOptions{Avro.Generic.GenericRecord}?)"/>
    /// reads them with <typeparamref name="T"/>'s schema.</summary>
    public static ParquetSource<T> ForSpecificAvro<T>(string path, ParquetSourceOptions<T>? options = null)
        where T : class, Avro.Specific.ISpecificRecord, new() => new(path, options ?? new ParquetSourceOptions<T>(), new SpecificAvroRows<T>());
}

/// <summary>
/// A bounded source over Parquet files (a directory, a file or a glob). Partition ids are
/// <c>relative/path.parquet/rowGroup</c>, relative to the directory (of a glob: its leading part without a wildcard); the
/// offset of a record is its row within the row group, so a restored run skips the rows a checkpoint covered. The
/// file set and row groups are fixed when the first run plans them (a failover of the job reads to the same end; a new
/// source object, e.g. after a process restart, plans again).
/// </summary>
public sealed class ParquetSource<T> : ISourceConnector<T>
    where T : class
{
    private readonly FileSelection _files;
    private readonly ParquetSourceOptions<T> _options;
    private readonly RowGroupRows<T> _rows;

    internal ParquetSource(string path, ParquetSourceOptions<T> options, RowGroupRows<T> rows)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(options);
        if (options.ChunkSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ChunkSize, "ChunkSize must be at least 1.");
        }

        _files = FileSelection.Of(path);
        _options = options;
        _rows = rows;
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
        foreach (var (file, relative) in _files.Files())
        {
            var hivePath = _files.HivePathOf(relative);
            if (_options.PartitionFilter is { } filter && !filter(HivePartitions.Of(hivePath)))
            {
                Metrics.FilePruned();
                continue;
            }

            try
            {
                await using var reader = await LegacyLists.OpenAsync(file, cancellationToken).ConfigureAwait(false);
                var schema = Float16Columns.SchemaOf(reader);
                PageEncodings.ThrowIfUnreadable(file, reader, _rows.Check(schema, file, hivePath));
                var fill = _rows.FillFor(hivePath, schema);
                Metrics.FileRead();
                for (var g = 0; g < reader.RowGroupCount; g++)
                {
                    using var group = reader.OpenRowGroupReader(g);
                    if (RowGroupStatistics.Excludes(schema, group, _options.RowGroupFilters))
                    {
                        Metrics.RowGroupSkipped();
                        continue;
                    }

                    parts.Add(new RowGroupPart(file, SourcePartitionIds.Format(relative, g), g, group.RowCount, fill, hivePath));
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
            rows = await _rows.ReadAsync(stream, part, (int)start, Add, cancellationToken).ConfigureAwait(false);
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

    /// <summary>The source's timestamp function threw while a row group was read: not a bad file.</summary>
    private sealed class TimestampFailed(Exception inner) : Exception(inner.Message, inner);

    /// <summary>
    /// Fails the source, or (<see cref="BadFileAction.Skip"/>) skips what failed (the file when it is planned, the row
    /// group when it is read: the same rows whatever the order the row groups run in) and reports the file once.
    /// </summary>
    private void BadFile(string file, Exception e, string where = "")
    {
        var error = e is InvalidDataException && e.Message.Contains(file, StringComparison.Ordinal)
            ? (InvalidDataException)e
            : e is NotImplementedException
                ? new InvalidDataException($"Parquet input '{file}' cannot be read: {where}{PhysicalColumns.NotImplemented(e)}", e)
                : new InvalidDataException($"Parquet input '{file}' cannot be read: {where}{e.Message}", e);
        if (_options.OnBadFileAction == BadFileAction.Fail)
        {
            throw error;
        }

        if (_badFiles.TryAdd(file, 0))
        {
            Metrics.FileSkipped();
            _options.OnBadFile?.Invoke(file, error);
        }
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _badFiles = new(StringComparer.Ordinal);
}

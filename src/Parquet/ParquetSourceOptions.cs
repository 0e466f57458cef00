namespace ActorFlow.Parquet;

/// <summary>What to do with a Parquet input file that cannot be read (corrupt, truncated, or of a schema that does not fit).</summary>
public enum BadFileAction
{
    /// <summary>The source fails, naming the file (the default).</summary>
    Fail,

    /// <summary>The file is reported (<see cref="ParquetSourceOptions{T}.OnBadFile"/>, <see cref="ParquetSourceMetrics.FilesSkipped"/>) and skipped.</summary>
    Skip,
}

/// <summary>How a <see cref="ParquetSource{T}"/> selects files, row groups and columns.</summary>
public sealed record ParquetSourceOptions<T>
{
    /// <summary>
    /// Keeps a file by its Hive partition values (the <c>name=value</c> directories of its whole path, unescaped, as
    /// DuckDB's <c>hive_partitioning</c> reads them), before the file is opened (partition pruning). Null (the
    /// default): every file.
    /// </summary>
    public Func<IReadOnlyDictionary<string, string>, bool>? PartitionFilter { get; init; }

    /// <summary>
    /// Row-group predicates: a row group whose column statistics prove that no row can match any one of them is not
    /// read (predicate pushdown). Rows of the row groups read are not filtered: add a <c>Where</c> for that.
    /// Default: none.
    /// </summary>
    public IReadOnlyList<ColumnRange> RowGroupFilters { get; init; } = [];

    /// <summary>The record timestamp (epoch ms) of <see cref="Topology.Connectors.SourceRecord{T}.Timestamp"/>; null (the default): 0.</summary>
    public Func<T, long>? Timestamp { get; init; }

    /// <summary>What to do with a file that cannot be read. Default <see cref="BadFileAction.Fail"/>.</summary>
    public BadFileAction OnBadFileAction { get; init; } = BadFileAction.Fail;

    /// <summary>Told about every file skipped (its path and the reason), once per file. Called from the threads that
    /// read the files, possibly at the same time for different files: it must be thread-safe. Default: nothing.</summary>
    public Action<string, Exception>? OnBadFile { get; init; }

    /// <summary>Records per emitted chunk. Default 1,000.</summary>
    public int ChunkSize { get; init; } = 1000;
}

/// <summary>
/// A closed range of one column's values (either end open when null) for row-group pruning; compared with the
/// row group's min/max statistics as <see cref="IComparable"/> values of the column's type. A DECIMAL column compares
/// decimals; a TIMESTAMP or DATE column takes a <see cref="DateTime"/>, <see cref="DateTimeOffset"/>,
/// <see cref="DateOnly"/> or a long of epoch milliseconds. A bound of no such type prunes nothing.
/// </summary>
/// <param name="Column">The column (top-level) name.</param>
/// <param name="Min">The smallest value wanted, or null.</param>
/// <param name="Max">The largest value wanted, or null.</param>
public sealed record ColumnRange(string Column, IComparable? Min, IComparable? Max);

/// <summary>What a <see cref="ParquetSource{T}"/> read and skipped, counted over its runs.</summary>
public sealed class ParquetSourceMetrics
{
    private long _filesRead;
    private long _filesPruned;
    private long _filesSkipped;
    private long _rowGroupsRead;
    private long _rowGroupsSkipped;
    private long _rowsRead;

    /// <summary>Files opened and planned.</summary>
    public long FilesRead => Interlocked.Read(ref _filesRead);

    /// <summary>Files not opened: their partition values did not pass the partition filter.</summary>
    public long FilesPruned => Interlocked.Read(ref _filesPruned);

    /// <summary>Files that could not be read and were skipped.</summary>
    public long FilesSkipped => Interlocked.Read(ref _filesSkipped);

    /// <summary>Row groups read.</summary>
    public long RowGroupsRead => Interlocked.Read(ref _rowGroupsRead);

    /// <summary>Row groups not read: their statistics excluded every row filter's range.</summary>
    public long RowGroupsSkipped => Interlocked.Read(ref _rowGroupsSkipped);

    /// <summary>Rows read.</summary>
    public long RowsRead => Interlocked.Read(ref _rowsRead);

    internal void FileRead() => Interlocked.Increment(ref _filesRead);

    internal void FilePruned() => Interlocked.Increment(ref _filesPruned);

    internal void FileSkipped() => Interlocked.Increment(ref _filesSkipped);

    internal void RowGroupRead(long rows)
    {
        Interlocked.Increment(ref _rowGroupsRead);
        Interlocked.Add(ref _rowsRead, rows);
    }

    internal void RowGroupSkipped() => Interlocked.Increment(ref _rowGroupsSkipped);
}

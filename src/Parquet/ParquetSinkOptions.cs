namespace ActorFlow.Parquet;

/// <summary>
/// How a <see cref="ParquetSink{T}"/> lays out and rolls its files. Every file also rolls at each checkpoint: a
/// Parquet file cannot be resumed, so the files a checkpoint covers are closed at its barrier and committed with it.
/// </summary>
public sealed record ParquetSinkOptions<T>
{
    /// <summary>
    /// The Hive-style partition directory of a record, relative to the sink's directory (e.g. <c>dt=2026-11-25/hour=13</c>),
    /// or null for none (the default). Build it with <see cref="ParquetPartitioning"/>.
    /// </summary>
    public Func<T, string>? PartitionBy { get; init; }

    /// <summary>Rows per row group (each row group carries min/max/null-count statistics per column). Default 100,000.</summary>
    public int RowGroupSize { get; init; } = 100_000;

    /// <summary>A file is closed once it holds this many rows (null: no limit). Default null.</summary>
    public long? RollRecords { get; init; }

    /// <summary>A file is closed once it is this many bytes or more (checked after each row group). Default 128 MiB.</summary>
    public long RollBytes { get; init; } = 128L * 1024 * 1024;

    /// <summary>A file is closed once it has been open this long (checked as records arrive; null: only at checkpoints). Default null.</summary>
    public TimeSpan? RollInterval { get; init; }

    /// <summary>The compression codec. Default <see cref="ParquetCompression.Snappy"/>.</summary>
    public ParquetCompression Compression { get; init; } = ParquetCompression.Snappy;

    /// <summary>
    /// Whether string columns are dictionary-encoded, as parquet-mr, Arrow and DuckDB write them by default: a row
    /// group's column gets a dictionary page of its distinct values and the rows become small indexes into it, when at
    /// most 80 % of its values are distinct (judged on its first 10,000 values); otherwise, or when false, the values are
    /// written plain. Default true.
    /// </summary>
    public bool DictionaryEncoding { get; init; } = true;

    /// <summary>The clock of <see cref="RollInterval"/>. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    internal void Validate()
    {
        if (RowGroupSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(RowGroupSize), RowGroupSize, "RowGroupSize must be at least 1 row.");
        }

        if (RollRecords is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(RollRecords), RollRecords, "RollRecords must be at least 1 row, or null.");
        }

        if (RollBytes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(RollBytes), RollBytes, "RollBytes must be at least 1 byte.");
        }

        if (RollInterval is { } interval && interval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(RollInterval), interval, "RollInterval must be positive, or null.");
        }
    }
}

namespace ActorFlow.Parquet;

/// <summary>The compression codec of the column chunks of landed files.</summary>
public enum ParquetCompression
{
    /// <summary>Snappy: fast, moderate ratio (the default, as in Spark and Flink).</summary>
    Snappy,

    /// <summary>Zstandard: better ratio at a little more CPU.</summary>
    Zstd,

    /// <summary>Gzip: widely readable, slowest.</summary>
    Gzip,

    /// <summary>No compression.</summary>
    None,
}

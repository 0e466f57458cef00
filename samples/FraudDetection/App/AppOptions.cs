namespace FraudDetection.App;

/// <summary>Where the job keeps its state.</summary>
public enum StoreKind
{
    /// <summary>SQLite files in the data directory (the embedded default).</summary>
    Sqlite,

    /// <summary>A PostgreSQL server (<c>--postgres CONNECTION</c>).</summary>
    Postgres,
}

/// <summary>The fraud-detection app's options (the command line's, see <see cref="AppCommand"/>).</summary>
public sealed record AppOptions
{
    /// <summary>Gets the CSV file of transactions to process instead of generated ones, or <c>null</c>.</summary>
    public string? Input { get; init; }

    /// <summary>Gets the file to write alerts to as JSON lines, or <c>null</c>.</summary>
    public string? Output { get; init; }

    /// <summary>Gets how many transactions to generate (with <see cref="Input"/>: the first this many lines, when given).</summary>
    public int? Count { get; init; }

    /// <summary>Gets the generator's seed.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Gets the small-then-large rule's limit between the small and the large transaction (zero: none).</summary>
    public TimeSpan RuleWindow { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets a Kafka cluster to use instead of the embedded broker, or <c>null</c>.</summary>
    public string? BootstrapServers { get; init; }

    /// <summary>Gets a schema registry URL to use instead of the embedded registry, or <c>null</c>.</summary>
    public string? SchemaRegistry { get; init; }

    /// <summary>Gets where state lives.</summary>
    public StoreKind Store { get; init; } = StoreKind.Sqlite;

    /// <summary>Gets the PostgreSQL connection string (with <see cref="StoreKind.Postgres"/>).</summary>
    public string? Postgres { get; init; }

    /// <summary>Gets the data directory (kept; a run resumes the job from its last checkpoint there), or <c>null</c> for a temporary one.</summary>
    public string? DataDir { get; init; }

    /// <summary>
    /// Gets the directory the transactions are landed in as Parquet (dt=…/hour=… of event time), or <c>null</c> for
    /// <c>lake</c> inside the data directory (a temporary run lands in a kept temporary directory).
    /// </summary>
    public string? Lake { get; init; }

    /// <summary>
    /// Gets a data lake (what <see cref="Lake"/> landed) to run the job over instead of Kafka input, or <c>null</c>: a
    /// backfill, the same job in batch mode over the Parquet files; nothing is written to the transactions topic or landed.
    /// </summary>
    public string? FromLake { get; init; }

    /// <summary>Gets the checkpoint interval (also the delay of alerts: they are written when their checkpoint completes).</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets a value indicating whether progress is printed as plain lines even on a terminal.</summary>
    public bool Plain { get; init; }

    /// <summary>The default number of generated transactions.</summary>
    public const int DefaultCount = 200_000;
}

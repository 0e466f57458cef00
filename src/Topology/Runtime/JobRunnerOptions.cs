
namespace ActorFlow.Topology.Runtime;

/// <summary>How a job runs. Every default is stated; values are validated by <see cref="JobRunner"/>.</summary>
public sealed record JobRunnerOptions
{
    /// <summary>
    /// Most records in one batch to the key groups. Batches form while <see cref="Parallelism"/> batches are in
    /// flight (no timer: a job that keeps up sends what arrived at once, so batches grow only under load). A chunk
    /// larger than this (e.g. one Kafka poll) still goes as one batch. Default 1000.
    /// </summary>
    public int BatchSize { get; init; } = 1000;

    /// <summary>Batches in flight at once (the end-to-end back-pressure bound). Default 4.</summary>
    public int Parallelism { get; init; } = 4;

    /// <summary>How often watermarks are generated periodically and sent to every key group. Default 200 ms.</summary>
    public TimeSpan WatermarkInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Time a key group has to answer a batch before it is sent again (applied once). Default 10 s.</summary>
    public TimeSpan AskTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts per batch before the job fails. Default 3.</summary>
    public int AskAttempts { get; init; } = 3;

    /// <summary>
    /// Failovers of a keyed job in a row (without a checkpoint completing in between) before it gives up and its
    /// <see cref="RunningJob.Completion"/> fails. Default 10; 0 turns failover off.
    /// </summary>
    public int RestartAttempts { get; init; } = 10;

    /// <summary>
    /// Most records (and inputs) a key group keeps in memory since its last snapshot so that its operator can be
    /// restarted alone when it throws (outside per-record user code, e.g. a window function while windows fire), if
    /// it replays deterministically (<c>IKeyedOperator.ReplaysDeterministically</c>: event-time aggregating windows): a fresh operator
    /// restores the last snapshot, replays those records and retries the failed input, while the other key groups and
    /// the job go on. Past the limit (until the next snapshot), when the replay throws, or when the input throws again,
    /// the job fails over to its last complete checkpoint instead. Costs up to this many records (plus the last
    /// snapshot's bytes) of memory per key group, and GC time, because the records it keeps outlive gen0: with
    /// checkpoints every second, 5,000 cost about 10 % of a keyed job's throughput and 1,000 about 3 % (0: none;
    /// docs/benchmarks.md). Default 1,000; 0 turns local restarts off.
    /// </summary>
    public int KeyGroupRestartLog { get; init; } = 1_000;

    /// <summary>Pause before a failover that follows a failed failover. Default 1 s.</summary>
    public TimeSpan RestartDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Number of shards the key groups are spread over. Default 32.</summary>
    public int Shards { get; init; } = 32;

    /// <summary>Time between checkpoints; null turns periodic checkpoints off (on-demand ones still work). Default 10 s.</summary>
    public TimeSpan? CheckpointInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Time the key groups have to acknowledge a checkpoint before it is aborted. Default 60 s.</summary>
    public TimeSpan CheckpointTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Complete checkpoints kept (savepoints are always kept). Default 3.</summary>
    public int RetainedCheckpoints { get; init; } = 3;

    /// <summary>
    /// The name of a savepoint of the job to start from instead of its latest checkpoint: every key group restores
    /// the savepoint's snapshot and every source partition starts at its offsets, on any number of nodes. An unknown
    /// name fails the start, listing the job's savepoints. Default null (start from the latest complete checkpoint).
    /// </summary>
    public string? FromSavepoint { get; init; }

    /// <summary>The processing-time clock. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>
    /// The complete checkpoint (or savepoint) to restore, by id, instead of the latest one: for example the previous
    /// complete checkpoint offered by a <see cref="RecoveryFailedException"/>. Checkpoints taken afterwards get ids
    /// above every stored one (newer records are not replaced; the first new one becomes the latest). Default null (restore the latest complete checkpoint, if any).
    /// </summary>
    public long? RestoreCheckpointId { get; init; }

    /// <summary>The store checkpoint records go to instead of the node's (tests inject faults through it). Default null.</summary>
    internal ActorFlow.Persistence.Checkpoints.ICheckpointStore? CheckpointStoreOverride { get; init; }

    /// <summary>Where each source partition starts (from the restored checkpoint); set by the runner.</summary>
    internal IReadOnlyDictionary<string, long> StartOffsets { get; init; } = new Dictionary<string, long>();

    internal void Validate()
    {
        if (BatchSize < 1 || Parallelism < 1 || AskAttempts < 1 || Shards < 1 || RetainedCheckpoints < 1 || RestartAttempts < 0 || KeyGroupRestartLog < 0 || RestartDelay < TimeSpan.Zero ||
            CheckpointInterval <= TimeSpan.Zero || CheckpointTimeout <= TimeSpan.Zero ||
            WatermarkInterval <= TimeSpan.Zero || AskTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"Invalid job runner options: sizes and counts must be >= 1 and times positive ({this}).");
        }
    }
}

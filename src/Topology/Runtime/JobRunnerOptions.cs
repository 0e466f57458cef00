
using ActorFlow.Topology.Runtime.Internal;

namespace ActorFlow.Topology.Runtime;

/// <summary>How a job runs. Every default is stated; values are validated by <see cref="JobRunner"/>.</summary>
public sealed record JobRunnerOptions
{
    private readonly RestartStrategy? _restartStrategy;
    private readonly int? _restartAttempts;
    private readonly int? _retainedCheckpoints;
    private readonly TimeSpan? _restartDelay;

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
    /// How a keyed job that failed is restarted from its last complete checkpoint: the delay before each failover and
    /// when to give up (<see cref="JobRestartsExhaustedException"/>). Default <see cref="Runtime.RestartStrategy.Default"/>
    /// (exponential delay from 1 s to 60 s, unlimited restarts), or <c>FixedDelay(RestartAttempts, RestartDelay)</c>
    /// when only the obsolete <see cref="RestartAttempts"/> or <see cref="RestartDelay"/> is set. Setting both this and
    /// one of those fails validation.
    /// </summary>
    public RestartStrategy RestartStrategy
    {
        get => _restartStrategy ?? (_restartAttempts is null && _restartDelay is null
            ? RestartStrategy.Default
            : _restartAttempts == 0 ? RestartStrategy.None : RestartStrategy.FixedDelay(_restartAttempts ?? 10, _restartDelay ?? TimeSpan.FromSeconds(1)));
        init => _restartStrategy = value ?? throw new ArgumentNullException(nameof(value), $"{nameof(RestartStrategy)} must not be null (use RestartStrategy.None to turn failover off).");
    }

    /// <summary>
    /// Obsolete: use <see cref="RestartStrategy"/>. When set (and <see cref="RestartStrategy"/> is not), the job restarts
    /// with <c>RestartStrategy.FixedDelay(RestartAttempts, RestartDelay)</c>: this many failovers in a row without a
    /// checkpoint completing in between, each after <see cref="RestartDelay"/>; 0 means <c>RestartStrategy.None</c>.
    /// Reads back what was set, or 10 when nothing was (which then has no effect).
    /// </summary>
    [Obsolete("Use RestartStrategy = RestartStrategy.FixedDelay(attempts, delay) (0 attempts: RestartStrategy.None). Setting this alone still means exactly that.")]
    public int RestartAttempts
    {
        get => _restartAttempts ?? 10;
        init => _restartAttempts = value;
    }

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

    /// <summary>
    /// Obsolete: use <see cref="RestartStrategy"/>. When set (and <see cref="RestartStrategy"/> is not), the job restarts
    /// with <c>RestartStrategy.FixedDelay(RestartAttempts, RestartDelay)</c>: this pause comes before every failover
    /// (it used to separate only failed failover attempts). Reads back what was set, or 1 s when nothing was (which
    /// then has no effect).
    /// </summary>
    [Obsolete("Use RestartStrategy = RestartStrategy.FixedDelay(attempts, delay). Setting this alone still means exactly that, with 10 attempts unless RestartAttempts is set.")]
    public TimeSpan RestartDelay
    {
        get => _restartDelay ?? TimeSpan.FromSeconds(1);
        init => _restartDelay = value;
    }

    /// <summary>
    /// Whether a restore drops state the job no longer has a place for, as Flink's <c>allowNonRestoredState</c>: the state
    /// of an operator removed or renamed (operators are matched by name within their hop), and the key groups of a hop
    /// the job no longer has. Off by default: such a restore fails at the start, naming the operator or hop, so that an
    /// upgrade never loses state silently. Give every node the same value.
    /// </summary>
    public bool AllowNonRestoredState { get; init; }

    /// <summary>Number of shards the key groups are spread over. Default 32.</summary>
    public int Shards { get; init; } = 32;

    /// <summary>Time between checkpoints; null turns periodic checkpoints off (on-demand ones still work). Default 10 s.</summary>
    public TimeSpan? CheckpointInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Time the key groups have to acknowledge a checkpoint before it is aborted. Default 60 s.</summary>
    public TimeSpan CheckpointTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Checkpoints that may fail in a row before the job fails over (Flink's
    /// <c>execution.checkpointing.tolerable-failed-checkpoints</c>): one more fails the run, which restarts from its last
    /// complete checkpoint as its <see cref="RestartStrategy"/> allows. Default null: the job keeps running whatever fails
    /// (Flink's default is 0). A completed checkpoint resets the count; checkpoints aborted by a failover do not count.
    /// </summary>
    public int? TolerableCheckpointFailures { get; init; }

    /// <summary>
    /// Complete checkpoints kept (savepoints are always kept). Default: the node's
    /// <c>actorflow.persistence.checkpoints.retained</c> (3 in reference.conf).
    /// </summary>
    public int RetainedCheckpoints
    {
        get => _retainedCheckpoints ?? 3;
        init => _retainedCheckpoints = value;
    }

    /// <summary>Whether <see cref="RetainedCheckpoints"/> was set (else the node's HOCON gives it).</summary>
    internal bool RetainedCheckpointsSet => _retainedCheckpoints is not null;

    /// <summary>
    /// The name of a savepoint of the job to start from instead of its latest checkpoint: every key group restores
    /// the savepoint's snapshot and every source partition starts at its offsets, on any number of nodes. An unknown
    /// name fails the start, listing the job's savepoints. Default null (start from the latest complete checkpoint).
    /// </summary>
    public string? FromSavepoint { get; init; }

    /// <summary>
    /// How the job runs its input (as Flink's <c>RuntimeExecutionMode</c>). <see cref="Runtime.ExecutionMode.Batch"/>
    /// needs every source to be bounded (the start fails otherwise, naming the source): it takes no periodic
    /// checkpoints (<see cref="CheckpointInterval"/> is ignored; the final checkpoint publishes the exactly-once sinks'
    /// output) and keeps event time at its start until the end of the input: nothing is late, and every window and
    /// event-time timer fires at the end-of-input watermark (window state is held until then); broadcast input reaches
    /// a keyed broadcast function before any keyed record (a job with a broadcast stream holds the first hop's keyed
    /// records until the end of the input); the partitions of a source that can wait (files) are read
    /// <see cref="BatchSourceParallelism"/> at a time. Default
    /// <see cref="Runtime.ExecutionMode.Streaming"/>.
    /// </summary>
    public ExecutionMode ExecutionMode { get; init; } = ExecutionMode.Streaming;

    /// <summary>
    /// In batch mode, whether a run that starts from no checkpoint runs the first hop's key groups in place: on the
    /// node that runs the job, in the thread that reads the input, without sending each key group's batches to its
    /// sharded entity and waiting for the reply (as Flink's batch mode runs a keyed operator in the task that reads
    /// it). The same results, except that a window or timer firing whose user code throws becomes a dead letter at once
    /// (an entity first restarts and retries it); the final checkpoint stores each key group's snapshot as its entity
    /// would, so a later run restores it on any node. The keyed work and state of the first hop then stay on this node:
    /// set false to spread them over the cluster's nodes as streaming mode does. A run that restores a checkpoint, and
    /// every later hop, always uses the entities. Default true.
    /// </summary>
    public bool BatchKeyGroupsInPlace { get; init; } = true;

    /// <summary>
    /// In batch mode with the key groups in place (<see cref="BatchKeyGroupsInPlace"/>), whether the records that a
    /// source's key-by sends to a window of the first hop are pre-aggregated as they are read (Flink's local-global
    /// aggregation, Spark's map-side combine): the records of one source chunk with the same key and window are folded
    /// into one accumulator (the aggregate function's <c>Add</c>, or the reduce function), and the key group merges that
    /// into the window (<c>Merge</c>, or the reduce function again). Done for tumbling event-time windows with the default
    /// event-time trigger and an aggregate or reduce function (with or without a process-window function), when the
    /// key-by is its source's only consumer (with only <c>Where</c> and <c>Select</c> steps, no <c>SelectMany</c>, between
    /// them). The results are those of the records one by one when <c>Merge</c> combines two accumulators as adding their
    /// records to one would, and when the reduce function is associative (as Flink asks of both); set false when they are
    /// not. An aggregate function whose <c>Merge</c> throws on two new accumulators (written for Flink, which merges for
    /// session windows only) is not pre-aggregated, nor one whose <c>Merge</c> the run's first records show to be wrong
    /// (a best-effort check: see <c>IAggregateFunction.Merge</c>). A record that <c>Add</c> or the reduce function throws
    /// on becomes a dead letter of the operator with its position, as without pre-aggregation; a <c>Merge</c> that throws
    /// makes one dead letter for the records folded together, at the first one's position, naming how many were lost.
    /// Default true.
    /// </summary>
    public bool BatchPreAggregation { get; init; } = true;

    /// <summary>
    /// In batch mode with the key groups in place (<see cref="BatchKeyGroupsInPlace"/>), how many threads of the thread
    /// pool apply the first hop's records to their key groups, each key group always on the same one (key group modulo
    /// this), while the stream's thread reads and routes the next records. Key groups run side by side as they do on
    /// their entities in streaming mode, so operators see no more concurrency than there. Every lane reads through each
    /// batch for its own records, and one stream thread feeds them all, so lanes beyond a few add little. Default the
    /// processor count, at most 8.
    /// </summary>
    public int BatchKeyGroupParallelism { get; init; } = Math.Clamp(Environment.ProcessorCount, 1, 8);

    /// <summary>
    /// In batch mode, most partitions of a source whose partitions can wait
    /// (<see cref="Connectors.ISourceConnector{T}.PartitionsCanWait"/>: a Parquet file source's row groups) read at
    /// once; the next starts when one ends. Bounds the memory of the records read ahead (streaming mode reads every
    /// partition at once, to align their watermarks). Default <see cref="Environment.ProcessorCount"/>.
    /// </summary>
    public int BatchSourceParallelism { get; init; } = Environment.ProcessorCount;

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

    /// <summary>
    /// How long records may be read while the job's watermark has not moved from its start before a warning says so
    /// (streaming mode, sources with watermarks; once per job). Internal: tests shorten it.
    /// </summary>
    internal TimeSpan StalledWatermarkWarning { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The job's record counts over all its runs (for its summary); set by the runner.</summary>
    internal JobCounters Counters { get; init; } = new();

    /// <summary>Where each source partition starts (from the restored checkpoint); set by the runner.</summary>
    internal IReadOnlyDictionary<string, long> StartOffsets { get; init; } = new Dictionary<string, long>();

    internal void Validate()
    {
        // Each setting out of range, named with its value (the whole record named none of them).
        var invalid = new List<string>();
        void AtLeast(string name, long? value, long min)
        {
            if (value < min)
            {
                invalid.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{name} = {value} (must be >= {min})"));
            }
        }

        void Positive(string name, TimeSpan? value)
        {
            if (value <= TimeSpan.Zero)
            {
                invalid.Add($"{name} = {value} (must be positive)");
            }
        }

        AtLeast(nameof(BatchSize), BatchSize, 1);
        AtLeast(nameof(Parallelism), Parallelism, 1);
        AtLeast(nameof(BatchSourceParallelism), BatchSourceParallelism, 1);
        AtLeast(nameof(BatchKeyGroupParallelism), BatchKeyGroupParallelism, 1);
        AtLeast(nameof(AskAttempts), AskAttempts, 1);
        AtLeast(nameof(Shards), Shards, 1);
        AtLeast(nameof(RetainedCheckpoints), RetainedCheckpoints, 1);
        AtLeast(nameof(TolerableCheckpointFailures), TolerableCheckpointFailures, 0);
        AtLeast("RestartAttempts", _restartAttempts, 0);
        AtLeast(nameof(KeyGroupRestartLog), KeyGroupRestartLog, 0);
        if (_restartDelay < TimeSpan.Zero || _restartDelay > RestartStrategy.MaxDelay)
        {
            invalid.Add($"RestartDelay = {_restartDelay} (must be 0 to {RestartStrategy.MaxDelay})");
        }

        Positive(nameof(CheckpointInterval), CheckpointInterval);
        Positive(nameof(CheckpointTimeout), CheckpointTimeout);
        Positive(nameof(WatermarkInterval), WatermarkInterval);
        Positive(nameof(AskTimeout), AskTimeout);
        if (invalid.Count > 0)
        {
            throw new ArgumentException($"Invalid job runner options: {string.Join("; ", invalid)}.");
        }

        if (!Enum.IsDefined(ExecutionMode))
        {
            throw new ArgumentException($"Invalid job runner options: ExecutionMode {(int)ExecutionMode} is not one of {string.Join(", ", Enum.GetNames<ExecutionMode>())}.");
        }

        if (_restartStrategy is not null && (_restartAttempts is not null || _restartDelay is not null))
        {
            throw new ArgumentException(
                $"Invalid job runner options: RestartStrategy ({_restartStrategy}) is set together with the obsolete RestartAttempts ({_restartAttempts}) or RestartDelay ({_restartDelay}); set RestartStrategy only, e.g. RestartStrategy.FixedDelay(attempts, delay).");
        }
    }
}

namespace ActorFlow.Persistence.Checkpoints;

/// <summary>
/// Durable store of complete checkpoint records, in the same database as the keyed state. Every write is atomic
/// (one transaction per record). Records of one job are ordered by checkpoint id. Safe for concurrent use.
/// Reading a damaged record throws <see cref="CorruptCheckpointException"/> naming the checkpoint.
/// </summary>
public interface ICheckpointStore : IAsyncDisposable
{
    /// <summary>Creates the table when missing. Other methods call it on first use; calling it again is cheap.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the table exists.</returns>
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a complete checkpoint atomically; saving the same (job, checkpoint id) again replaces it.
    /// </summary>
    /// <param name="record">The record.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the record is durable.</returns>
    /// <exception cref="InvalidOperationException">Another checkpoint of the job already has this savepoint name.</exception>
    Task SaveAsync(CheckpointRecord record, CancellationToken cancellationToken = default);

    /// <summary>The complete checkpoint (or savepoint) with the highest id of a job, or <c>null</c> when none.</summary>
    /// <param name="jobId">The job.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The latest record, or <c>null</c>.</returns>
    Task<CheckpointRecord?> LoadLatestAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>
    /// <see cref="LoadLatestAsync"/> with synchronous I/O on the calling thread. For callers that must answer
    /// synchronously on a thread-pool thread (e.g. an actor constructing a child): waiting there for an asynchronous
    /// call starves the pool, since the call's continuations need pool threads too (many such waits at once stalled a
    /// whole node for ~14 s). Bounded by the driver's connect and command timeouts.
    /// </summary>
    /// <param name="jobId">The job.</param>
    /// <returns>The latest record, or <c>null</c>.</returns>
    CheckpointRecord? LoadLatest(string jobId);

    /// <summary>A checkpoint by id, or <c>null</c> when absent.</summary>
    /// <param name="jobId">The job.</param>
    /// <param name="checkpointId">The checkpoint id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The record, or <c>null</c>.</returns>
    Task<CheckpointRecord?> GetAsync(string jobId, long checkpointId, CancellationToken cancellationToken = default);

    /// <summary>A savepoint by name, or <c>null</c> when absent.</summary>
    /// <param name="jobId">The job.</param>
    /// <param name="savepointName">The savepoint name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The record, or <c>null</c>.</returns>
    Task<CheckpointRecord?> GetSavepointAsync(string jobId, string savepointName, CancellationToken cancellationToken = default);

    /// <summary>All checkpoints and savepoints of a job, oldest (lowest id) first.</summary>
    /// <param name="jobId">The job.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The records.</returns>
    Task<IReadOnlyList<CheckpointRecord>> ListAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The ids of all checkpoints and savepoints of a job, ascending, without decoding the records: lets a caller
    /// skip a corrupt newest record and fall back to an earlier one with <see cref="GetAsync"/>.
    /// </summary>
    /// <param name="jobId">The job.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The checkpoint ids.</returns>
    Task<IReadOnlyList<long>> ListIdsAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>Deletes a checkpoint or savepoint.</summary>
    /// <param name="jobId">The job.</param>
    /// <param name="checkpointId">The checkpoint id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><c>true</c> when a record was deleted.</returns>
    Task<bool> DeleteAsync(string jobId, long checkpointId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Turns a stored checkpoint into a savepoint named <paramref name="savepointName"/> (kept until deleted), in one
    /// conditional update: when the checkpoint was pruned or promoted meanwhile nothing changes and the result is
    /// <c>null</c>. Once promoted, the checkpoint is never pruned, so the snapshots it names are kept as well.
    /// </summary>
    /// <param name="jobId">The job.</param>
    /// <param name="checkpointId">The complete checkpoint to promote.</param>
    /// <param name="savepointName">The savepoint name, unique per job.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The savepoint record, or <c>null</c> when no such plain checkpoint exists (any more).</returns>
    /// <exception cref="InvalidOperationException">Another checkpoint of the job already has this savepoint name.</exception>
    Task<CheckpointRecord?> PromoteToSavepointAsync(string jobId, long checkpointId, string savepointName, CancellationToken cancellationToken = default);

    /// <summary>
    /// Keeps the <paramref name="retain"/> newest checkpoints of a job and deletes older ones; savepoints are never
    /// pruned and do not count towards <paramref name="retain"/>.
    /// </summary>
    /// <param name="jobId">The job.</param>
    /// <param name="retain">How many checkpoints to keep (at least 1).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The ids of the deleted checkpoints, ascending.</returns>
    Task<IReadOnlyList<long>> PruneAsync(string jobId, int retain, CancellationToken cancellationToken = default);

    /// <summary>The ids of the jobs with a checkpoint, savepoint or recorded failure in this store, in ordinal order.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The job ids.</returns>
    Task<IReadOnlyList<string>> ListJobsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Keeps <paramref name="failure"/> as the job's newest failure of its kind (replacing the one before); a message
    /// longer than <see cref="JobFailure.MaxMessageLength"/> is cut there.
    /// </summary>
    /// <param name="failure">The failure.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the failure is stored.</returns>
    Task RecordFailureAsync(JobFailure failure, CancellationToken cancellationToken = default);

    /// <summary>The newest failure of each kind of a job (none, one or two), newest first.</summary>
    /// <param name="jobId">The job.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The failures.</returns>
    Task<IReadOnlyList<JobFailure>> ListFailuresAsync(string jobId, CancellationToken cancellationToken = default);
}

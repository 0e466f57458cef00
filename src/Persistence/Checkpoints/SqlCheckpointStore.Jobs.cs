namespace ActorFlow.Persistence.Checkpoints;

internal abstract partial class SqlCheckpointStore
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListJobsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenInitializedAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(
            connection, null, $"SELECT job_id FROM {Table} UNION SELECT job_id FROM {Table}_failures");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var jobs = new List<string>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            jobs.Add(reader.GetString(0));
        }

        jobs.Sort(StringComparer.Ordinal);
        return jobs;
    }

    /// <inheritdoc />
    public async Task RecordFailureAsync(JobFailure failure, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(failure);
        ArgumentException.ThrowIfNullOrEmpty(failure.JobId);
        ArgumentNullException.ThrowIfNull(failure.Message);
        var message = failure.Message.Length > JobFailure.MaxMessageLength ? failure.Message[..JobFailure.MaxMessageLength] : failure.Message;
        await using var connection = await OpenInitializedAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(
            connection,
            null,
            $"""
            INSERT INTO {Table}_failures (job_id, kind, timestamp_ms, checkpoint_id, message)
            VALUES (@job, @kind, @ts, @id, @message)
            ON CONFLICT (job_id, kind) DO UPDATE SET
              timestamp_ms = excluded.timestamp_ms, checkpoint_id = excluded.checkpoint_id, message = excluded.message
            """,
            ("@job", failure.JobId),
            ("@kind", (int)failure.Kind),
            ("@ts", failure.TimestampMs),
            ("@id", failure.CheckpointId),
            ("@message", message));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<JobFailure>> ListFailuresAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        await using var connection = await OpenInitializedAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(
            connection,
            null,
            $"SELECT kind, timestamp_ms, checkpoint_id, message FROM {Table}_failures WHERE job_id = @job ORDER BY timestamp_ms DESC, kind",
            ("@job", jobId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var failures = new List<JobFailure>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var kind = reader.GetInt32(0);
            failures.Add(new JobFailure(
                jobId,
                Enum.IsDefined((JobFailureKind)kind) ? (JobFailureKind)kind : throw new InvalidOperationException($"Job '{jobId}': unknown failure kind {kind} in {Table}_failures."),
                reader.GetInt64(1),
                reader.IsDBNull(2) ? null : reader.GetInt64(2),
                reader.GetString(3)));
        }

        return failures;
    }
}

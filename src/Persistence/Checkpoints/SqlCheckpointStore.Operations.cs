using System.Data.Common;

namespace ActorFlow.Persistence.Checkpoints;

internal abstract partial class SqlCheckpointStore
{
    /// <inheritdoc />
    public async Task SaveAsync(CheckpointRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrEmpty(record.JobId);
        if (record.SavepointName is not null && !record.IsSavepoint)
        {
            throw new ArgumentException("A savepoint name requires IsSavepoint = true.", nameof(record));
        }

        var bytes = CheckpointRecordFormat.Write(record);
        await using var connection = await OpenInitializedAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(
            connection,
            transaction,
            $"""
            INSERT INTO {Table} (job_id, checkpoint_id, timestamp_ms, is_savepoint, savepoint_name, format_version, record)
            VALUES (@job, @id, @ts, @sp, @name, @version, @record)
            ON CONFLICT (job_id, checkpoint_id) DO UPDATE SET
              timestamp_ms = excluded.timestamp_ms, is_savepoint = excluded.is_savepoint,
              savepoint_name = excluded.savepoint_name, format_version = excluded.format_version, record = excluded.record
            """,
            ("@job", record.JobId),
            ("@id", record.CheckpointId),
            ("@ts", record.TimestampMs),
            ("@sp", record.IsSavepoint ? 1 : 0),
            ("@name", record.SavepointName),
            ("@version", (int)CheckpointRecordFormat.VersionOf(bytes)),
            ("@record", bytes));
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbException e) when (IsUniqueViolation(e))
        {
            throw new InvalidOperationException(
                $"Job '{record.JobId}' already has a savepoint named '{record.SavepointName}'.", e);
        }
    }

    /// <inheritdoc />
    public async Task<CheckpointRecord?> LoadLatestAsync(string jobId, CancellationToken cancellationToken = default) =>
        (await QueryAsync(
            jobId,
            LatestSql,
            cancellationToken).ConfigureAwait(false)).SingleOrDefault();

    private string LatestSql => $"SELECT checkpoint_id, record FROM {Table} WHERE job_id = @job ORDER BY checkpoint_id DESC LIMIT 1";

    /// <inheritdoc />
    public CheckpointRecord? LoadLatest(string jobId)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        Initialize();
        using var connection = Open();
        using var command = Command(
            connection, null, LatestSql, ("@job", jobId));
        using var reader = command.ExecuteReader();
        return reader.Read() ? CheckpointRecordFormat.Read(jobId, reader.GetInt64(0), (byte[])reader.GetValue(1)) : null;
    }

    /// <inheritdoc />
    public async Task<CheckpointRecord?> GetAsync(string jobId, long checkpointId, CancellationToken cancellationToken = default) =>
        (await QueryAsync(
            jobId,
            $"SELECT checkpoint_id, record FROM {Table} WHERE job_id = @job AND checkpoint_id = @id",
            cancellationToken,
            ("@id", checkpointId)).ConfigureAwait(false)).SingleOrDefault();

    /// <inheritdoc />
    public async Task<CheckpointRecord?> GetSavepointAsync(
        string jobId, string savepointName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(savepointName);
        return (await QueryAsync(
            jobId,
            $"SELECT checkpoint_id, record FROM {Table} WHERE job_id = @job AND savepoint_name = @name",
            cancellationToken,
            ("@name", savepointName)).ConfigureAwait(false)).SingleOrDefault();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<CheckpointRecord>> ListAsync(string jobId, CancellationToken cancellationToken = default) =>
        await QueryAsync(
            jobId,
            $"SELECT checkpoint_id, record FROM {Table} WHERE job_id = @job ORDER BY checkpoint_id",
            cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<IReadOnlyList<long>> ListIdsAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        await using var connection = await OpenInitializedAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(
            connection, null, $"SELECT checkpoint_id FROM {Table} WHERE job_id = @job ORDER BY checkpoint_id", ("@job", jobId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var ids = new List<long>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string jobId, long checkpointId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        await using var connection = await OpenInitializedAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(
            connection, null, $"DELETE FROM {Table} WHERE job_id = @job AND checkpoint_id = @id", ("@job", jobId), ("@id", checkpointId));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<long>> PruneAsync(string jobId, int retain, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        ArgumentOutOfRangeException.ThrowIfLessThan(retain, 1);
        await using var connection = await OpenInitializedAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var doomed = new List<long>();
        await using (var select = Command(
            connection,
            transaction,
            $"SELECT checkpoint_id FROM {Table} WHERE job_id = @job AND is_savepoint = 0 ORDER BY checkpoint_id DESC",
            ("@job", jobId)))
        {
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            for (var i = 0; await reader.ReadAsync(cancellationToken).ConfigureAwait(false); i++)
            {
                if (i >= retain)
                {
                    doomed.Add(reader.GetInt64(0));
                }
            }
        }

        if (doomed.Count > 0)
        {
            await using var delete = Command(
                connection,
                transaction,
                $"DELETE FROM {Table} WHERE job_id = @job AND is_savepoint = 0 AND checkpoint_id <= @max",
                ("@job", jobId),
                ("@max", doomed[0]));
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        doomed.Reverse();
        return doomed;
    }

    private async Task<List<CheckpointRecord>> QueryAsync(
        string jobId, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] extra)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        await using var connection = await OpenInitializedAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, sql, [("@job", jobId), .. extra]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var records = new List<CheckpointRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var id = reader.GetInt64(0);
            var bytes = (byte[])reader.GetValue(1);
            records.Add(CheckpointRecordFormat.Read(jobId, id, bytes));
        }

        return records;
    }
}

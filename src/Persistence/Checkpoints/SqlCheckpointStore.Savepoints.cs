using System.Data.Common;

namespace ActorFlow.Persistence.Checkpoints;

internal abstract partial class SqlCheckpointStore
{
    /// <inheritdoc />
    public async Task<CheckpointRecord?> PromoteToSavepointAsync(
        string jobId, long checkpointId, string savepointName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        ArgumentException.ThrowIfNullOrEmpty(savepointName);
        if (await GetAsync(jobId, checkpointId, cancellationToken).ConfigureAwait(false) is not { IsSavepoint: false } checkpoint)
        {
            return null;
        }

        var savepoint = checkpoint with { IsSavepoint = true, SavepointName = savepointName };
        var bytes = CheckpointRecordFormat.Write(savepoint);
        await using var connection = await OpenInitializedAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(
            connection,
            null,
            $"""
            UPDATE {Table} SET is_savepoint = 1, savepoint_name = @name, format_version = @version, record = @record
            WHERE job_id = @job AND checkpoint_id = @id AND is_savepoint = 0
            """,
            ("@job", jobId),
            ("@id", checkpointId),
            ("@name", savepointName),
            ("@version", (int)CheckpointRecordFormat.VersionOf(bytes)),
            ("@record", bytes));
        try
        {
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1 ? savepoint : null;
        }
        catch (DbException e) when (IsUniqueViolation(e))
        {
            throw new InvalidOperationException($"Job '{jobId}' already has a savepoint named '{savepointName}'.", e);
        }
    }
}

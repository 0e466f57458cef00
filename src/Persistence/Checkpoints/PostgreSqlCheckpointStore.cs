using System.Data.Common;
using Npgsql;

namespace ActorFlow.Persistence.Checkpoints;

/// <summary>Checkpoint records in PostgreSQL, normally the same database as the Akka journal.</summary>
internal sealed class PostgreSqlCheckpointStore : SqlCheckpointStore
{
    private readonly NpgsqlDataSource _dataSource;

    public PostgreSqlCheckpointStore(string connectionString, string tableName)
        : base(tableName) => _dataSource = NpgsqlDataSource.Create(connectionString);

    /// <inheritdoc />
    protected override string CreateTableSql => $"""
        CREATE TABLE IF NOT EXISTS {Table} (
          job_id TEXT NOT NULL,
          checkpoint_id BIGINT NOT NULL,
          timestamp_ms BIGINT NOT NULL,
          is_savepoint INTEGER NOT NULL,
          savepoint_name TEXT NULL,
          format_version INTEGER NOT NULL,
          record BYTEA NOT NULL,
          PRIMARY KEY (job_id, checkpoint_id));
        CREATE UNIQUE INDEX IF NOT EXISTS {Table}_savepoint_name ON {Table} (job_id, savepoint_name)
          WHERE savepoint_name IS NOT NULL;
        """;

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    protected override bool IsUniqueViolation(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };
}

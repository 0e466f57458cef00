using System.Data.Common;
using ActorFlow.Persistence.Sql;
using Microsoft.Data.Sqlite;

namespace ActorFlow.Persistence.Checkpoints;

/// <summary>Checkpoint records in a SQLite file (WAL mode), normally the same file as the Akka journal.</summary>
internal sealed class SqliteCheckpointStore(string connectionString, string tableName) : SqlCheckpointStore(tableName)
{
    /// <inheritdoc />
    protected override string CreateTableSql => $"""
        CREATE TABLE IF NOT EXISTS {Table} (
          job_id TEXT NOT NULL,
          checkpoint_id INTEGER NOT NULL,
          timestamp_ms INTEGER NOT NULL,
          is_savepoint INTEGER NOT NULL,
          savepoint_name TEXT NULL,
          format_version INTEGER NOT NULL,
          record BLOB NOT NULL,
          PRIMARY KEY (job_id, checkpoint_id));
        CREATE UNIQUE INDEX IF NOT EXISTS {Table}_savepoint_name ON {Table} (job_id, savepoint_name)
          WHERE savepoint_name IS NOT NULL;
        CREATE TABLE IF NOT EXISTS {Table}_failures (
          job_id TEXT NOT NULL,
          kind INTEGER NOT NULL,
          timestamp_ms INTEGER NOT NULL,
          checkpoint_id INTEGER NULL,
          message TEXT NOT NULL,
          PRIMARY KEY (job_id, kind));
        """;

    /// <inheritdoc />
    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await SqliteDatabase.OpenAsync(connectionString, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    protected override DbConnection Open() => SqliteDatabase.Open(connectionString);

    /// <inheritdoc />
    protected override bool IsUniqueViolation(DbException exception) =>
        exception is SqliteException { SqliteErrorCode: 19 }; // SQLITE_CONSTRAINT
}

using System.Data.Common;
using Npgsql;

namespace ActorFlow.Persistence.Checkpoints;

/// <summary>Checkpoint records in PostgreSQL, normally the same database as the Akka journal.</summary>
internal sealed class PostgreSqlCheckpointStore : SqlCheckpointStore
{
    private readonly NpgsqlDataSource _dataSource;

    public PostgreSqlCheckpointStore(string connectionString, string tableName)
        : base(tableName) => _dataSource = NpgsqlDataSource.Create(WithDurableCommits(connectionString));

    /// <summary>
    /// <paramref name="connectionString"/> with <c>synchronous_commit=on</c> for the store's sessions, whatever the
    /// server's setting. A checkpoint is complete, its offsets committed and its output published, once
    /// <see cref="SqlCheckpointStore.SaveAsync"/> returns; with <c>synchronous_commit=off</c> (a common tuning) a commit
    /// returns before its WAL is written, and a server that crashes then (SIGKILL, OOM killer) comes back without
    /// that record, so the job restores an older checkpoint and publishes that epoch's output again. Flushing the
    /// record's commit also flushes everything written before it: the snapshots and markers it names, committed by
    /// the journal and snapshot store (which may keep the server's setting).
    /// </summary>
    internal static string WithDurableCommits(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        builder.Options = string.IsNullOrWhiteSpace(builder.Options) ? "-c synchronous_commit=on" : builder.Options + " -c synchronous_commit=on";
        return builder.ConnectionString;
    }

    /// <inheritdoc />
    /// <remarks>In one transaction under the advisory lock every ActorFlow node takes to create tables
    /// (<see cref="Config.PostgreSqlTableLock"/>): two stores creating them at once race otherwise.</remarks>
    protected override string CreateTableSql => $"""
        BEGIN;
        SELECT pg_advisory_xact_lock({Config.PostgreSqlTableLock.Key});
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
        CREATE TABLE IF NOT EXISTS {Table}_failures (
          job_id TEXT NOT NULL,
          kind INTEGER NOT NULL,
          timestamp_ms BIGINT NOT NULL,
          checkpoint_id BIGINT NULL,
          message TEXT NOT NULL,
          PRIMARY KEY (job_id, kind));
        COMMIT;
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
    protected override DbConnection Open() => _dataSource.OpenConnection();

    /// <inheritdoc />
    protected override bool IsUniqueViolation(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };
}

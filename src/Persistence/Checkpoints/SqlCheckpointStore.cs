using System.Data.Common;

namespace ActorFlow.Persistence.Checkpoints;

/// <summary>
/// The ADO.NET checkpoint store shared by SQLite and PostgreSQL: one row per record (job id, checkpoint id,
/// timestamp, savepoint flag and name as columns for queries; the whole record as a versioned, checksummed blob).
/// Dialects differ only in how they open connections, in column types and in the unique-violation error.
/// </summary>
internal abstract partial class SqlCheckpointStore : ICheckpointStore
{
    private readonly SemaphoreSlim _initLock = new(1, 1);
    private volatile bool _initialized;

    protected SqlCheckpointStore(string tableName) => Table = tableName;

    /// <summary>The table name (validated as a plain identifier by <see cref="Config.CheckpointSettings"/>).</summary>
    protected string Table { get; }

    /// <summary>The statements that create the table and its savepoint-name index when missing.</summary>
    protected abstract string CreateTableSql { get; }

    /// <inheritdoc />
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        if (_initialized)
        {
            return;
        }

        await _initLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_initialized)
            {
                await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
                await using var command = connection.CreateCommand();
                command.CommandText = CreateTableSql;
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                _initialized = true;
            }
        }
        finally
        {
            _initLock.Release();
        }
    }

    /// <summary><see cref="InitializeAsync"/> with synchronous I/O (for <see cref="LoadLatest"/>).</summary>
    private void Initialize()
    {
        if (_initialized)
        {
            return;
        }

        _initLock.Wait();
        try
        {
            if (!_initialized)
            {
                using var connection = Open();
                using var command = connection.CreateCommand();
                command.CommandText = CreateTableSql;
                command.ExecuteNonQuery();
                _initialized = true;
            }
        }
        finally
        {
            _initLock.Release();
        }
    }

    /// <inheritdoc />
    public virtual ValueTask DisposeAsync()
    {
        _initLock.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Opens a connection to the store's database; the caller disposes it.</summary>
    protected abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Opens a connection to the store's database with synchronous I/O; the caller disposes it.</summary>
    protected abstract DbConnection Open();

    /// <summary>Whether <paramref name="exception"/> reports a unique-constraint violation.</summary>
    protected abstract bool IsUniqueViolation(DbException exception);

    private async Task<DbConnection> OpenInitializedAsync(CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        return await OpenAsync(cancellationToken).ConfigureAwait(false);
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            command.Parameters.Add(p);
        }

        return command;
    }
}

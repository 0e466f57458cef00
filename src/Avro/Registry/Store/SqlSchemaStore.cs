using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ActorFlow.Avro.Registry.Store;

/// <summary>
/// An <see cref="ISchemaStore"/> in a SQL database through ADO.NET: SQLite (Microsoft.Data.Sqlite) or PostgreSQL
/// (Npgsql). Tables <c>actorflow_registry_schemas</c>, <c>actorflow_registry_versions</c>,
/// <c>actorflow_registry_config</c> and <c>actorflow_registry_normalize</c> are created on <see cref="InitializeAsync"/>
/// (those missing from a database made by an earlier version too). The SQL is the same for both.
/// </summary>
public sealed class SqlSchemaStore : ISchemaStore
{
    private const string GlobalKey = "";
    private readonly DbDataSource _dataSource;

    private SqlSchemaStore(DbDataSource dataSource) => _dataSource = dataSource;

    /// <summary>A store in the SQLite database of <paramref name="connectionString"/> (e.g. <c>Data Source=registry.db</c>).</summary>
    /// <param name="connectionString">The connection string.</param>
    /// <returns>The store.</returns>
    public static SqlSchemaStore Sqlite(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return new SqlSchemaStore(new SqliteDataSource(connectionString));
    }

    /// <summary>A store in the PostgreSQL database of <paramref name="connectionString"/>.</summary>
    /// <param name="connectionString">The Npgsql connection string.</param>
    /// <returns>The store.</returns>
    public static SqlSchemaStore PostgreSql(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return new SqlSchemaStore(NpgsqlDataSource.Create(connectionString));
    }

    /// <inheritdoc/>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await ExecuteAsync(
            """
            CREATE TABLE IF NOT EXISTS actorflow_registry_schemas (id INTEGER PRIMARY KEY, schema_text TEXT NOT NULL, canonical TEXT NOT NULL UNIQUE);
            CREATE TABLE IF NOT EXISTS actorflow_registry_versions (subject TEXT NOT NULL, version INTEGER NOT NULL, schema_id INTEGER NOT NULL, deleted INTEGER NOT NULL, PRIMARY KEY (subject, version));
            CREATE TABLE IF NOT EXISTS actorflow_registry_config (subject TEXT PRIMARY KEY, compatibility TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS actorflow_registry_normalize (subject TEXT PRIMARY KEY, normalize INTEGER NOT NULL);
            """,
            [],
            cancellationToken);
        if (_dataSource is SqliteDataSource)
        {
            await ExecuteAsync("PRAGMA journal_mode=WAL;", [], cancellationToken);
        }
    }

    /// <inheritdoc/>
    public async Task<int> GetOrAddSchemaAsync(string schema, string canonical, CancellationToken cancellationToken = default)
    {
        if (await FindSchemaIdAsync(canonical, cancellationToken) is { } id)
        {
            return id;
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await using var next = Command(connection, "SELECT COALESCE(MAX(id), 0) + 1 FROM actorflow_registry_schemas", []);
        next.Transaction = tx;
        var newId = Convert.ToInt32(await next.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        await using var insert = Command(connection, "INSERT INTO actorflow_registry_schemas (id, schema_text, canonical) VALUES (@p0, @p1, @p2)", [newId, schema, canonical]);
        insert.Transaction = tx;
        await insert.ExecuteNonQueryAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return newId;
    }

    /// <inheritdoc/>
    public async Task<int?> FindSchemaIdAsync(string canonical, CancellationToken cancellationToken = default)
    {
        var found = await ScalarAsync("SELECT id FROM actorflow_registry_schemas WHERE canonical = @p0", [canonical], cancellationToken);
        return found is null ? null : Convert.ToInt32(found, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <inheritdoc/>
    public async Task<string?> GetSchemaAsync(int id, CancellationToken cancellationToken = default) =>
        (string?)await ScalarAsync("SELECT schema_text FROM actorflow_registry_schemas WHERE id = @p0", [id], cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<SubjectVersion>> GetVersionsAsync(string? subject, CancellationToken cancellationToken = default) =>
        subject is null
            ? VersionsAsync("SELECT subject, version, schema_id, deleted FROM actorflow_registry_versions ORDER BY subject, version", [], cancellationToken)
            : VersionsAsync("SELECT subject, version, schema_id, deleted FROM actorflow_registry_versions WHERE subject = @p0 ORDER BY version", [subject], cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<SubjectVersion>> GetVersionsOfSchemaAsync(int schemaId, CancellationToken cancellationToken = default) =>
        VersionsAsync("SELECT subject, version, schema_id, deleted FROM actorflow_registry_versions WHERE schema_id = @p0 ORDER BY subject, version", [schemaId], cancellationToken);

    /// <inheritdoc/>
    public Task AddVersionAsync(string subject, int version, int schemaId, CancellationToken cancellationToken = default) =>
        ExecuteAsync("INSERT INTO actorflow_registry_versions (subject, version, schema_id, deleted) VALUES (@p0, @p1, @p2, 0)", [subject, version, schemaId], cancellationToken);

    /// <inheritdoc/>
    public Task SetDeletedAsync(string subject, int version, bool deleted, CancellationToken cancellationToken = default) =>
        ExecuteAsync("UPDATE actorflow_registry_versions SET deleted = @p0 WHERE subject = @p1 AND version = @p2", [deleted ? 1 : 0, subject, version], cancellationToken);

    /// <inheritdoc/>
    public Task RemoveVersionAsync(string subject, int version, CancellationToken cancellationToken = default) =>
        ExecuteAsync("DELETE FROM actorflow_registry_versions WHERE subject = @p0 AND version = @p1", [subject, version], cancellationToken);

    /// <inheritdoc/>
    public async Task<string?> GetCompatibilityAsync(string? subject, CancellationToken cancellationToken = default) =>
        (string?)await ScalarAsync("SELECT compatibility FROM actorflow_registry_config WHERE subject = @p0", [subject ?? GlobalKey], cancellationToken);

    /// <inheritdoc/>
    public async Task SetCompatibilityAsync(string? subject, string? level, CancellationToken cancellationToken = default)
    {
        await ExecuteAsync("DELETE FROM actorflow_registry_config WHERE subject = @p0", [subject ?? GlobalKey], cancellationToken);
        if (level is not null)
        {
            await ExecuteAsync("INSERT INTO actorflow_registry_config (subject, compatibility) VALUES (@p0, @p1)", [subject ?? GlobalKey, level], cancellationToken);
        }
    }

    /// <inheritdoc/>
    public async Task<bool?> GetNormalizeAsync(string? subject, CancellationToken cancellationToken = default) =>
        await ScalarAsync("SELECT normalize FROM actorflow_registry_normalize WHERE subject = @p0", [subject ?? GlobalKey], cancellationToken) is { } found
            ? Convert.ToInt32(found, System.Globalization.CultureInfo.InvariantCulture) != 0
            : null;

    /// <inheritdoc/>
    public async Task SetNormalizeAsync(string? subject, bool? normalize, CancellationToken cancellationToken = default)
    {
        await ExecuteAsync("DELETE FROM actorflow_registry_normalize WHERE subject = @p0", [subject ?? GlobalKey], cancellationToken);
        if (normalize is { } value)
        {
            await ExecuteAsync("INSERT INTO actorflow_registry_normalize (subject, normalize) VALUES (@p0, @p1)", [subject ?? GlobalKey, value ? 1 : 0], cancellationToken);
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        if (_dataSource is SqliteDataSource)
        {
            ActorFlow.Persistence.Sql.SqliteConnections.ClearAllPools();
        }

        return _dataSource.DisposeAsync();
    }

    private static DbCommand Command(DbConnection connection, string sql, object[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        for (var i = 0; i < parameters.Length; i++)
        {
            var p = command.CreateParameter();
            p.ParameterName = "p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            p.Value = parameters[i];
            command.Parameters.Add(p);
        }

        return command;
    }

    private async Task ExecuteAsync(string sql, object[] parameters, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, sql, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<object?> ScalarAsync(string sql, object[] parameters, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, sql, parameters);
        var result = await command.ExecuteScalarAsync(cancellationToken);
        return result is DBNull ? null : result;
    }

    private async Task<IReadOnlyList<SubjectVersion>> VersionsAsync(string sql, object[] parameters, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var versions = new List<SubjectVersion>();
        while (await reader.ReadAsync(cancellationToken))
        {
            versions.Add(new SubjectVersion(reader.GetString(0), Convert.ToInt32(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture), Convert.ToInt32(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture), Convert.ToInt32(reader.GetValue(3), System.Globalization.CultureInfo.InvariantCulture) != 0));
        }

        return versions;
    }

    // Microsoft.Data.Sqlite has no DbDataSource of its own.
    private sealed class SqliteDataSource(string connectionString) : DbDataSource
    {
        public override string ConnectionString => connectionString;

        protected override DbConnection CreateDbConnection() => ActorFlow.Persistence.Sql.SqliteConnections.Create(connectionString);
    }
}

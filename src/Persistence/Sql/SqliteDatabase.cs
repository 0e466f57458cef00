using Microsoft.Data.Sqlite;

namespace ActorFlow.Persistence.Sql;

/// <summary>Opens SQLite connections for ActorFlow: creates the directory of the file and uses WAL mode.</summary>
internal static class SqliteDatabase
{
    // synchronous=FULL: a commit here (a checkpoint record) fsyncs the write-ahead log, and with it every snapshot
    // written before on Akka.Persistence.Sql's synchronous=NORMAL connections (StateStoreSettings.ToActorSystemSetup).
    private const string Pragmas = "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=30000; PRAGMA synchronous=FULL;";

    /// <summary>Creates the file's directory and switches the database to WAL (persistent in the file).</summary>
    public static void EnsureWal(string connectionString)
    {
        EnsureDirectory(connectionString);
        using var connection = SqliteConnections.Create(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    /// <summary>Opens a connection in WAL mode with a 30 s busy timeout, synchronously; the caller disposes it.</summary>
    public static SqliteConnection Open(string connectionString)
    {
        EnsureDirectory(connectionString);
        var connection = SqliteConnections.Create(connectionString);
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = Pragmas;
            command.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Opens a connection in WAL mode with a 30 s busy timeout; the caller disposes it.</summary>
    public static async Task<SqliteConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        EnsureDirectory(connectionString);
        var connection = SqliteConnections.Create(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = Pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static void EnsureDirectory(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.DataSource is { Length: > 0 } dataSource && builder.Mode != SqliteOpenMode.Memory
            && dataSource != ":memory:" && Path.GetDirectoryName(Path.GetFullPath(dataSource)) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }
    }
}

using Npgsql;

namespace ActorFlow.Persistence.Config;

/// <summary>
/// INTERNAL API. The PostgreSQL advisory lock under which ActorFlow creates its tables: the journal's and the snapshot
/// store's (Akka.Persistence.Sql's auto-initialize, asked for by a starting node) and the checkpoint store's. Two
/// sessions running <c>CREATE TABLE IF NOT EXISTS</c> for one table at once race in PostgreSQL (a duplicate
/// <c>pg_type</c> entry, or "relation already exists"): nodes that start at once on a new database failed their journal's
/// initialization, and it restarted.
/// </summary>
internal static class PostgreSqlTableLock
{
    /// <summary>The lock's key: "ActorFlo" in ASCII.</summary>
    public const long Key = 0x4163746F72466C6F;

    /// <summary>
    /// A session holding the lock until it is disposed, which releases it explicitly: a pooled connection's session
    /// outlives its dispose, and with it a session lock.
    /// </summary>
    /// <param name="connectionString">The database's connection string.</param>
    /// <param name="cancellationToken">Stops the wait for the lock.</param>
    /// <returns>The session.</returns>
    public static async Task<IAsyncDisposable> AcquireAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand($"SELECT pg_advisory_lock({Key})", connection);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return new Held(connection);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private sealed class Held(NpgsqlConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var command = new NpgsqlCommand($"SELECT pg_advisory_unlock({Key})", connection);
                await command.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
            {
                // The session could not be asked (a connection broken since the tables were made): closing it, not
                // pooling it, releases the lock with it.
                NpgsqlConnection.ClearPool(connection);
            }
            finally
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}

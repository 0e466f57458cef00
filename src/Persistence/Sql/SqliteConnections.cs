using Microsoft.Data.Sqlite;

namespace ActorFlow.Persistence.Sql;

/// <summary>
/// Creates Microsoft.Data.Sqlite connections that are safe to open from many threads at once, and clears the
/// connection pools without disturbing connections being opened.
/// </summary>
/// <remarks>
/// Microsoft.Data.Sqlite's pool (up to at least 10.0.x, dotnet/efcore#39008) marks a pooled connection active before
/// it records its new owner; an open that finds the pool empty, or a pool clear, in that moment takes the connection
/// for a leaked one and hands it to a second owner (or disposes it under the first). Two key groups recovering at
/// once then share one native connection: "Safety level may not be changed inside a transaction", "not an error".
/// Every open and every clear of a connection made here goes through one process-wide lock, which closes that window;
/// an open from the pool holds it for microseconds. ActorFlow's state store, checkpoint store and schema registry use
/// these connections; code of yours that opens the same SQLite files should too.
/// </remarks>
public static class SqliteConnections
{
    // Internal for the tests, which hold it to see that opens wait for it.
    internal static readonly Lock Gate = new();

    /// <summary>A new, closed connection whose <see cref="SqliteConnection.Open"/> is serialized with every other one made here.</summary>
    /// <param name="connectionString">The Microsoft.Data.Sqlite connection string.</param>
    /// <returns>The connection; the caller disposes it.</returns>
    public static SqliteConnection Create(string connectionString) => new GatedSqliteConnection(connectionString);

    /// <summary>
    /// <see cref="SqliteConnection.ClearAllPools"/> under the lock the opens take: idle connections of every file are
    /// closed (so the files can be deleted), connections in use are closed when they are returned.
    /// </summary>
    public static void ClearAllPools()
    {
        lock (Gate)
        {
            SqliteConnection.ClearAllPools();
        }
    }

    private sealed class GatedSqliteConnection(string connectionString) : SqliteConnection(connectionString)
    {
        // DbConnection.OpenAsync calls Open, so this covers both.
        public override void Open()
        {
            lock (Gate)
            {
                base.Open();
            }
        }
    }
}

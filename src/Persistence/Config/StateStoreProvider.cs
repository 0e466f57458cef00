namespace ActorFlow.Persistence.Config;

/// <summary>The database that holds keyed state snapshots, the journal and checkpoint records.</summary>
public enum StateStoreProvider
{
    /// <summary>A SQLite file in the job's data directory, in WAL mode (the embedded default).</summary>
    Sqlite,

    /// <summary>A PostgreSQL server (15 or newer), reached through a connection string.</summary>
    PostgreSql,
}

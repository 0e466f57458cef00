using ActorFlow.Persistence.Config;

namespace ActorFlow.Persistence.Checkpoints;

/// <summary>Creates the <see cref="ICheckpointStore"/> for a state store: SQLite or PostgreSQL, same database as the journal.</summary>
public static class CheckpointStore
{
    /// <summary>Creates the store; its table is created on first use (or by <see cref="ICheckpointStore.InitializeAsync"/>).</summary>
    /// <param name="stateStore">Where the job's state lives.</param>
    /// <param name="checkpoints">The checkpoint settings (table name); defaults when <c>null</c>.</param>
    /// <returns>The store; dispose it when done.</returns>
    public static ICheckpointStore Create(StateStoreSettings stateStore, CheckpointSettings? checkpoints = null)
    {
        ArgumentNullException.ThrowIfNull(stateStore);
        var table = (checkpoints ?? CheckpointSettings.Create(ActorFlowPersistence.DefaultConfiguration)).TableName;
        return stateStore.Provider switch
        {
            StateStoreProvider.Sqlite => new SqliteCheckpointStore(stateStore.EffectiveConnectionString, table),
            StateStoreProvider.PostgreSql => new PostgreSqlCheckpointStore(stateStore.EffectiveConnectionString, table),
            _ => throw new ArgumentOutOfRangeException(nameof(stateStore), stateStore.Provider, "Unknown provider."),
        };
    }

    /// <summary>Creates the store configured in <paramref name="persistence"/>.</summary>
    /// <param name="persistence">The extension of the job's actor system.</param>
    /// <returns>The store; dispose it when done.</returns>
    public static ICheckpointStore Create(ActorFlowPersistence persistence)
    {
        ArgumentNullException.ThrowIfNull(persistence);
        return Create(persistence.StateStore, persistence.Checkpoints);
    }
}

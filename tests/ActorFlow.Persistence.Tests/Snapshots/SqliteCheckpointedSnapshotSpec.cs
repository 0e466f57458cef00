using ActorFlow.Persistence.Config;
using ActorFlow.Tests.Shared;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace ActorFlow.Persistence.Tests.Snapshots;

public sealed class SqliteCheckpointedSnapshotSpec : CheckpointedSnapshotSpecBase
{
    private readonly TempDirectory _directory;
    private readonly StateStoreSettings _settings;

    public SqliteCheckpointedSnapshotSpec(ITestOutputHelper output)
        : this(new TempDirectory("actorflow-snap"), output)
    {
    }

    private SqliteCheckpointedSnapshotSpec(TempDirectory directory, ITestOutputHelper output)
        : base(StateStoreSettings.Sqlite(directory.Path), output)
    {
        _directory = directory;
        _settings = StateStoreSettings.Sqlite(directory.Path);
    }

    protected override async Task CorruptSnapshotsAsync(string persistenceId)
    {
        await using var connection = ActorFlow.Persistence.Sql.SqliteConnections.Create(_settings.EffectiveConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE snapshot SET snapshot = @b WHERE persistence_id = @p";
        command.Parameters.AddWithValue("@b", new byte[] { 1, 2, 3 });
        command.Parameters.AddWithValue("@p", persistenceId);
        Assert.True(await command.ExecuteNonQueryAsync() > 0);
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        _directory.Dispose();
    }
}

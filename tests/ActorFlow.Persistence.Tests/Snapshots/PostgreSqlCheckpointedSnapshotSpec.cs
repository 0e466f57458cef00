using ActorFlow.Persistence.Config;
using ActorFlow.Tests.Shared;
using Npgsql;
using Xunit.Abstractions;

namespace ActorFlow.Persistence.Tests.Snapshots;

[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlCheckpointedSnapshotSpec : CheckpointedSnapshotSpecBase
{
    private readonly string _connectionString;

    public PostgreSqlCheckpointedSnapshotSpec(LocalPostgres postgres, ITestOutputHelper output)
        : this(postgres.SharedDatabase("snapshot_spec"), output)
    {
    }

    private PostgreSqlCheckpointedSnapshotSpec(string connectionString, ITestOutputHelper output)
        : base(StateStoreSettings.PostgreSql(connectionString), output) => _connectionString = connectionString;

    protected override async Task CorruptSnapshotsAsync(string persistenceId)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "UPDATE snapshot SET snapshot = @b WHERE persistence_id = @p", connection);
        command.Parameters.AddWithValue("b", new byte[] { 1, 2, 3 });
        command.Parameters.AddWithValue("p", persistenceId);
        Assert.True(await command.ExecuteNonQueryAsync() > 0);
    }
}

using ActorFlow.Persistence.Checkpoints;
using ActorFlow.Persistence.Config;
using ActorFlow.Tests.Shared;
using Microsoft.Data.Sqlite;

namespace ActorFlow.Persistence.Tests.Checkpoints;

public sealed class SqliteCheckpointStoreSpec : CheckpointStoreSpecBase
{
    private readonly TempDirectory _directory = new("actorflow-ckpt");

    private StateStoreSettings Settings => StateStoreSettings.Sqlite(_directory.Path);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _directory.Dispose();
    }

    protected override ICheckpointStore CreateStore() => CheckpointStore.Create(Settings);

    protected override async Task OverwriteRecordBytesAsync(string jobId, long checkpointId, byte[] bytes)
    {
        await using var connection = ActorFlow.Persistence.Sql.SqliteConnections.Create(Settings.EffectiveConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE actorflow_checkpoints SET record = @r WHERE job_id = @j AND checkpoint_id = @i";
        command.Parameters.AddWithValue("@r", bytes);
        command.Parameters.AddWithValue("@j", jobId);
        command.Parameters.AddWithValue("@i", checkpointId);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    /// <summary>Verify that the SQLite file lives in the data directory and is in WAL mode.</summary>
    [Fact]
    public async Task Sqlite_file_is_in_data_directory_in_wal_mode()
    {
        Assert.True(File.Exists(Path.Combine(_directory.Path, "actorflow-state.db")));
        await using var connection = ActorFlow.Persistence.Sql.SqliteConnections.Create(Settings.EffectiveConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }
}

using ActorFlow.Persistence.Checkpoints;
using ActorFlow.Persistence.Config;
using ActorFlow.Tests.Shared;
using Npgsql;

namespace ActorFlow.Persistence.Tests.Checkpoints;

[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlCheckpointStoreSpec(LocalPostgres postgres) : CheckpointStoreSpecBase
{
    private readonly string _connectionString = postgres.SharedDatabase("checkpoint_store_spec");

    protected override ICheckpointStore CreateStore() => CheckpointStore.Create(StateStoreSettings.PostgreSql(_connectionString));

    protected override async Task OverwriteRecordBytesAsync(string jobId, long checkpointId, byte[] bytes)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "UPDATE actorflow_checkpoints SET record = @r WHERE job_id = @j AND checkpoint_id = @i", connection);
        command.Parameters.AddWithValue("r", bytes);
        command.Parameters.AddWithValue("j", jobId);
        command.Parameters.AddWithValue("i", checkpointId);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}

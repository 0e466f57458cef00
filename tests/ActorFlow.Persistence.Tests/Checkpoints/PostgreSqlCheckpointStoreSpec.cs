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

    /// <summary>
    /// Verify that the store's sessions commit synchronously although the test server runs with
    /// <c>synchronous_commit = off</c> (a record acknowledged but not yet in the WAL is lost when the server crashes),
    /// and that options already in the connection string are kept.
    /// </summary>
    [Fact]
    public async Task Sessions_commit_synchronously_whatever_the_server_setting()
    {
        Assert.Equal("off", await ShowAsync(_connectionString, "synchronous_commit"));
        Assert.Equal("on", await ShowAsync(PostgreSqlCheckpointStore.WithDurableCommits(_connectionString), "synchronous_commit"));
        var withOptions = new NpgsqlConnectionStringBuilder(_connectionString) { Options = "-c application_name=mine" }.ToString();
        var durable = PostgreSqlCheckpointStore.WithDurableCommits(withOptions);
        Assert.Equal("on", await ShowAsync(durable, "synchronous_commit"));
        Assert.Equal("mine", await ShowAsync(durable, "application_name"));
    }

    private static async Task<string?> ShowAsync(string connectionString, string setting)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SHOW {setting}", connection);
        return (string?)await command.ExecuteScalarAsync();
    }

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

using ActorFlow.Persistence.Config;

namespace ActorFlow.Topology.Tests.Checkpoints;

/// <summary>Damage done by hand to the checkpoint records of a job's SQLite state store (fault specs).</summary>
internal static class StoredCheckpoints
{
    /// <summary>Overwrites the record of checkpoint <paramref name="checkpointId"/> of <paramref name="job"/> with bytes no record starts with.</summary>
    public static async Task CorruptRecordAsync(string dataDirectory, string job, long checkpointId)
    {
        await using var connection = ActorFlow.Persistence.Sql.SqliteConnections.Create(StateStoreSettings.Sqlite(dataDirectory).EffectiveConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE actorflow_checkpoints SET record = X'00010203' WHERE job_id = @job AND checkpoint_id = @id";
        command.Parameters.AddWithValue("@job", job);
        command.Parameters.AddWithValue("@id", checkpointId);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}

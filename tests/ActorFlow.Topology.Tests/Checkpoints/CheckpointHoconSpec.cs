using ActorFlow.Kafka.Embedded;
using ActorFlow.Persistence.Config;
using ActorFlow.TestKit;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.EndToEnd;
using Akka.Configuration;

namespace ActorFlow.Topology.Tests.Checkpoints;

/// <summary>
/// The node's HOCON settles where checkpoint records go and how many a job keeps
/// (<c>actorflow.persistence.checkpoints.table-name</c> and <c>.retained</c>, documented in reference.conf). Both were
/// read by a settings class nobody used: every node wrote to the default table and kept 3.
/// </summary>
public sealed class CheckpointHoconSpec : IDisposable
{
    private const string Job = "hocon-checkpoints";
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 4, ["counts"] = 1 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-checkpoint-hocon");

    /// <summary>Verify that checkpoints go to the configured table and the configured number of them is kept.</summary>
    [Fact]
    public async Task Checkpoints_must_go_to_the_configured_table_and_keep_the_configured_number()
    {
        var topics = new ClickTopics(_kafka);
        var overrides = ConfigurationFactory.ParseString("actorflow.persistence.checkpoints { table-name = \"job_checkpoints\", retained = 1 }");
        var system = await ActorFlowCluster.StartNodeAsync(Job, StateStoreSettings.Sqlite(_data.Path), overrides: overrides);
        try
        {
            var job = await JobRunner.StartAsync(system, topics.ExactlyOnceCountJob(system, Job, Job, sink: topics.PlainSink(system)), new JobRunnerOptions { CheckpointInterval = null });
            topics.Produce(ThrowingLabel.Clicks().Take(500));
            for (var i = 0; i < 3; i++)
            {
                await job.CheckpointAsync().WaitAsync(TimeSpan.FromSeconds(60));
            }

            await Poll.UntilAsync(async () => await CountAsync("job_checkpoints") == 1, TimeSpan.FromSeconds(30), "one checkpoint record kept");
            Assert.Equal(0, await CountAsync("actorflow_checkpoints"));
            await job.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    public void Dispose()
    {
        _kafka.Dispose();
        _data.Dispose();
    }

    /// <summary>The job's records in <paramref name="table"/> (0 when the table does not exist).</summary>
    private async Task<long> CountAsync(string table)
    {
        await using var connection = ActorFlow.Persistence.Sql.SqliteConnections.Create(StateStoreSettings.Sqlite(_data.Path).EffectiveConnectionString);
        await connection.OpenAsync();
        await using var exists = connection.CreateCommand();
        exists.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = @table";
        exists.Parameters.AddWithValue("@table", table);
        if ((long)(await exists.ExecuteScalarAsync())! == 0)
        {
            return 0;
        }

        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM {table} WHERE job_id = @job";
        command.Parameters.AddWithValue("@job", Job);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}

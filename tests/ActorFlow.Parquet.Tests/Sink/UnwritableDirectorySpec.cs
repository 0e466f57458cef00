using ActorFlow.Kafka.Embedded;
using ActorFlow.Persistence.Config;
using ActorFlow.Tests.Shared;
using ActorFlow.Topology.Runtime;

namespace ActorFlow.Parquet.Tests.Sink;

/// <summary>Issue 18: a landing directory that cannot be written fails the checkpoint, not the job, and loses nothing.</summary>
public sealed class UnwritableDirectorySpec : IDisposable
{
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Topics = new Dictionary<string, int> { ["trades"] = 2 } });
    private readonly TempDirectory _data = new("actorflow-parquet-state");
    private readonly TempDirectory _lake = new("actorflow-parquet-lake");

    /// <summary>
    /// Verify that while a partition directory cannot be created (a file is in its way) the checkpoint fails with an
    /// error naming the file it could not write, the files of the complete checkpoint before stay as they were, the
    /// job keeps running (it fails over and retries), and once the directory can be written every record lands
    /// exactly once.
    /// </summary>
    [Fact]
    public async Task An_unwritable_directory_must_fail_the_checkpoint_and_lose_nothing()
    {
        var blocked = Path.Combine(_lake.Path, "part=b");
        await File.WriteAllTextAsync(blocked, "in the way");
        var sink = ParquetSink.For(_lake.Path, new ParquetSinkOptions<Trade> { PartitionBy = t => t.Id < 100 ? "part=a" : "part=b" });
        var options = new JobRunnerOptions { CheckpointInterval = null, RestartStrategy = RestartStrategy.FixedDelay(1000, TimeSpan.FromMilliseconds(200)) };
        var system = await ActorFlowCluster.StartNodeAsync("unwritable", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            LandingJob.Produce(_kafka, "trades", Enumerable.Range(0, 100));
            var running = await JobRunner.StartAsync(system, LandingJob.Build(system, _kafka, "trades", sink), options);
            await CheckpointUntilAsync(running, 100);

            LandingJob.Produce(_kafka, "trades", Enumerable.Range(100, 100));
            CheckpointFailedException? failed = null;
            using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            {
                while (failed is null)
                {
                    try
                    {
                        await running.CheckpointAsync(); // completes while no record for part=b has arrived yet
                        await Task.Delay(50, cts.Token);
                    }
                    catch (CheckpointFailedException e)
                    {
                        failed = e;
                    }
                }
            }

            Assert.Contains("Parquet sink cannot write", failed.Message, StringComparison.Ordinal);
            Assert.Contains("part=b", failed.Message, StringComparison.Ordinal);
            Assert.Equal(100L, Count("count(DISTINCT Id)"));
            Assert.Equal(100L, Count("count(*)"));
            Assert.False(running.Completion.IsCompleted);

            File.Delete(blocked);
            await CheckpointUntilAsync(running, 200);
            Assert.Equal(200L, Count("count(DISTINCT Id)"));
            Assert.False(running.Completion.IsCompleted);
            await running.StopAsync(TimeSpan.FromSeconds(30));
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
        _lake.Dispose();
    }

    private long Count(string what) =>
        SinkFiles.Final(_lake.Path).Count == 0 ? 0 : (long)DuckDb.Scalar($"SELECT {what} FROM {DuckDb.Files(_lake.Path)}")!;

    /// <summary>Takes checkpoints (a failover in progress fails them) until the committed files hold <paramref name="rows"/> rows.</summary>
    private async Task CheckpointUntilAsync(RunningJob running, long rows)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (SinkFiles.InProgress(_lake.Path).Count > 0 || Count("count(*)") < rows)
        {
            try
            {
                await running.CheckpointAsync();
            }
            catch (CheckpointFailedException)
            {
                // The job is failing over; the next run checkpoints.
            }

            await Task.Delay(100, cts.Token);
        }
    }
}

using ActorFlow.Kafka.Embedded;
using ActorFlow.Persistence.Config;
using ActorFlow.Tests.Shared;
using ActorFlow.Topology.Runtime;

namespace ActorFlow.Parquet.Tests.Sink;

/// <summary>Issue 18: the Parquet sink in a job, Kafka → Parquet, committed by checkpoints (two-phase commit).</summary>
public sealed class ExactlyOnceLandingSpec : IDisposable
{
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Topics = new Dictionary<string, int> { ["trades"] = 2 } });
    private readonly TempDirectory _data = new("actorflow-parquet-state");
    private readonly TempDirectory _lake = new("actorflow-parquet-lake");

    /// <summary>
    /// Verify that records become visible only when the checkpoint after them completes: before it there are only
    /// in-progress files (no final file); after it every record is in exactly one final file under its
    /// <c>dt=/hour=</c> directory, with its values and types, and no in-progress file is left; a restart from the
    /// checkpoint lands only what came after it.
    /// </summary>
    [Fact]
    public async Task Records_must_land_exactly_once_when_their_checkpoint_completes()
    {
        LandingJob.Produce(_kafka, "trades", Enumerable.Range(0, 300));
        var sink = ParquetSink.For(_lake.Path, new ParquetSinkOptions<Trade>
        {
            PartitionBy = ParquetPartitioning.ByEventTime<Trade>(t => t.Time),
            RowGroupSize = 50,
        });
        var options = new JobRunnerOptions { CheckpointInterval = null };
        var system = await ActorFlowCluster.StartNodeAsync("landing", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var running = await JobRunner.StartAsync(system, LandingJob.Build(system, _kafka, "trades", sink), options);
            await AwaitAsync(() => InProgress().Count > 0 || running.Completion.IsCompleted, TimeSpan.FromSeconds(30));
            Assert.Empty(Final());

            await CheckpointUntilLandedAsync(running, 300); // committed right after the record is durable
            Assert.Equal(300L, DuckDb.Scalar($"SELECT count(*) FROM {DuckDb.Files(_lake.Path)}"));
            Assert.Equal(300L, DuckDb.Scalar($"SELECT count(DISTINCT Id) FROM {DuckDb.Files(_lake.Path)}"));
            var row = DuckDb.Query($"SELECT Symbol, Price, Time, CAST(dt AS VARCHAR), hour FROM {DuckDb.Files(_lake.Path)} WHERE Id = 61").Single();
            var expected = LandingJob.TradeOf(61);
            var at = DateTimeOffset.FromUnixTimeMilliseconds(expected.Time).UtcDateTime;
            Assert.Equal(expected.Symbol, row[0]);
            Assert.Equal(expected.Price, row[1]);
            Assert.Equal(expected.Time, row[2]);
            Assert.Equal(at.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), row[3]);
            Assert.Equal((long)at.Hour, Convert.ToInt64(row[4], System.Globalization.CultureInfo.InvariantCulture));
            var types = DuckDb.Types(DuckDb.Files(_lake.Path));
            Assert.Equal("BIGINT", types["Id"]);
            Assert.Equal("VARCHAR", types["Symbol"]);
            Assert.Equal("DOUBLE", types["Price"]);
            await running.StopAsync(TimeSpan.FromSeconds(30));

            // A second run starts at the checkpoint's offsets: only the new records land.
            LandingJob.Produce(_kafka, "trades", Enumerable.Range(300, 100));
            running = await JobRunner.StartAsync(system, LandingJob.Build(system, _kafka, "trades", sink), options);
            await AwaitAsync(() => InProgress().Count > 0, TimeSpan.FromSeconds(30));
            await CheckpointUntilLandedAsync(running, 400);
            await running.StopAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(400L, DuckDb.Scalar($"SELECT count(*) FROM {DuckDb.Files(_lake.Path)}"));
            Assert.Equal(400L, DuckDb.Scalar($"SELECT count(DISTINCT Id) FROM {DuckDb.Files(_lake.Path)}"));
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

    internal static async Task AwaitAsync(Func<bool> condition, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (!condition())
        {
            await Task.Delay(50, cts.Token);
        }
    }

    // Checkpoints until every one of `rows` records is in a final file and none is in progress: a barrier may fall
    // between two partitions' chunks, leaving the later records to the next checkpoint.
    private async Task CheckpointUntilLandedAsync(RunningJob running, long rows)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            await running.CheckpointAsync();
            for (var polls = 0; polls < 40; polls++)
            {
                if (InProgress().Count == 0 && Final().Count > 0 && (long)DuckDb.Scalar($"SELECT count(*) FROM {DuckDb.Files(_lake.Path)}")! >= rows)
                {
                    return;
                }

                await Task.Delay(50, cts.Token);
            }
        }
    }

    private List<string> InProgress() => [.. Directory.EnumerateFiles(_lake.Path, "*.inprogress", SearchOption.AllDirectories)];

    private List<string> Final() => [.. Directory.EnumerateFiles(_lake.Path, "*.parquet", SearchOption.AllDirectories)];
}

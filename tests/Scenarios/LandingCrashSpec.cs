using DuckDB.NET.Data;
using Xunit.Abstractions;

namespace ActorFlow.Scenarios;

/// <summary>Issue 18: the Parquet landing job as a process, SIGKILLed while input flows.</summary>
public sealed class LandingCrashSpec(ITestOutputHelper output) : IDisposable
{
    private readonly ClickScenario _scenario = new(records: 20_000, seed: 18);
    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-scenario-landing");
    private readonly CancellationTokenSource _producing = new();

    /// <summary>
    /// Verify that a landing job killed with SIGKILL at least five times (while writing, during a checkpoint, and
    /// between a checkpoint's durable record and the renaming of its files) and restarted each time ends with every
    /// input record in exactly one final Parquet file, and no in-progress file left once it is idle.
    /// </summary>
    [Fact]
    public async Task A_landing_job_killed_at_random_points_must_land_every_record_exactly_once()
    {
        var random = new Random(18);
        var lake = Path.Combine(_data.Path, "lake");
        var producer = _scenario.ProduceAsync(500, TimeSpan.FromMilliseconds(400), _producing.Token);
        var kills = 0;
        while (kills < 5 || !producer.IsCompleted)
        {
            using var job = JobProcess.Start(_scenario.BootstrapServers, _data.Path, Log, "landing", "--verbose", "--landing", lake);
            await job.Running.WaitAsync(TimeSpan.FromSeconds(60));
            await job.NextLine(l => l.EndsWith(" durable", StringComparison.Ordinal)).WaitAsync(TimeSpan.FromSeconds(60)); // it restored and checkpoints
            var point = await KillPoints.ReachAsync(job, KillPoints.ForKill(kills), random);
            job.Kill();
            kills++;
            output.WriteLine($"kill {kills} {point}: {Landed().Rows} rows landed so far");
        }

        await producer;
        var expected = _scenario.Clicks.Count + 4; // and one end marker per partition
        using (var last = JobProcess.Start(_scenario.BootstrapServers, _data.Path, Log, "landing", "--verbose", "--landing", lake))
        {
            await last.Running.WaitAsync(TimeSpan.FromSeconds(60));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            while (Landed().Rows < expected || Directory.EnumerateFiles(lake, "*.inprogress", SearchOption.AllDirectories).Any())
            {
                await Task.Delay(200, timeout.Token);
            }

            last.Kill();
        }

        var (rows, distinct) = Landed();
        output.WriteLine($"{kills} kills; {rows} rows, {distinct} distinct (partition, offset), {expected} records produced");
        Assert.True(kills >= 5);
        Assert.Equal(expected, distinct);
        Assert.Equal(expected, rows);
    }

    public void Dispose()
    {
        _producing.Cancel();
        _producing.Dispose();
        _scenario.Dispose();
        _data.Dispose();
    }

    /// <summary>The rows in final files and the distinct (partition, offset) among them, read by DuckDB.</summary>
    private (long Rows, long Distinct) Landed()
    {
        var lake = Path.Combine(_data.Path, "lake");
        if (!Directory.Exists(lake) || !Directory.EnumerateFiles(lake, "*.parquet", SearchOption.AllDirectories).Any())
        {
            return (0, 0);
        }

        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*), count(DISTINCT (Partition, \"Offset\")) FROM read_parquet('{lake}/**/*.parquet')";
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    private void Log(string line)
    {
        try
        {
            output.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // the test has finished; nothing to report to
        }
    }
}

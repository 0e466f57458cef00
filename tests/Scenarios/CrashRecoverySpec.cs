using Xunit.Abstractions;

namespace ActorFlow.Scenarios;

public sealed class CrashRecoverySpec(ITestOutputHelper output) : IDisposable
{
    private readonly ClickScenario _scenario = new(records: 30_000, seed: 2026);
    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-scenario");
    private readonly CancellationTokenSource _producing = new();

    /// <summary>
    /// Verify that a job process killed with SIGKILL at least five times, and restarted each time, ends with exactly
    /// the output of a failure-free run: kills land at random points while records are processed, during a
    /// checkpoint, and between a checkpoint's durable record and the publishing of its output. Both jobs are
    /// checked: every window's count once (windowed aggregation) and every bucket's count and running total once
    /// (keyed process function with event-time timers; state and output exactly once, through the write-ahead
    /// Kafka sink).
    /// </summary>
    [Fact]
    public async Task A_job_killed_at_random_points_must_end_with_the_failure_free_results()
    {
        var random = new Random(2026);

        // Input arrives while the job runs and dies: 30k records over about 30 s.
        var producer = _scenario.ProduceAsync(500, TimeSpan.FromMilliseconds(500), _producing.Token);
        var kills = 0;
        while (kills < 5 || !producer.IsCompleted)
        {
            using var job = JobProcess.Start(_scenario.BootstrapServers, _data.Path, Log, "job", "--verbose");
            await job.Running.WaitAsync(TimeSpan.FromSeconds(60));
            var before = _scenario.Read("counts").Count;
            using (var progress = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            {
                while (_scenario.Read("counts").Count <= before && !producer.IsCompleted)
                {
                    await Task.Delay(50, progress.Token); // this run has emitted results: it restored and processes
                }
            }

            var point = await KillPoints.ReachAsync(job, KillPoints.ForKill(kills), random);
            job.Kill();
            kills++;
            output.WriteLine($"kill {kills} {point}: {_scenario.Read("counts").Count} counts, {_scenario.Read("totals").Count} totals so far");
        }

        await producer;
        using (var last = JobProcess.Start(_scenario.BootstrapServers, _data.Path, Log))
        {
            await last.Running.WaitAsync(TimeSpan.FromSeconds(60));
            await _scenario.AwaitOutputsAsync(TimeSpan.FromSeconds(120));

            last.Kill();
        }

        output.WriteLine($"{kills} kills; {_scenario.Read("counts").Count} counts for {_scenario.ExpectedCounts.Count} windows, {_scenario.Read("totals").Count} totals for {_scenario.ExpectedTotals.Count} buckets");
        Assert.True(kills >= 5);
        _scenario.AssertExactlyOnce();
    }

    public void Dispose()
    {
        _producing.Cancel();
        _producing.Dispose();
        _scenario.Dispose();
        _data.Dispose();
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

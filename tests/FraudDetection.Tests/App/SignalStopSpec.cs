using FraudDetection.App;

namespace FraudDetection.Tests.App;

/// <summary>
/// The app as a process stopped by a real Ctrl+C (SIGINT) or SIGTERM: it stops the job, names the checkpoint to resume
/// from and exits 130 (143 for SIGTERM). A review found it exited 1 with the job's teardown errors: System.CommandLine
/// returned after 2 s and the process ended under the stopping job.
/// </summary>
public sealed class SignalStopSpec : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "fraud-signal-" + Guid.NewGuid().ToString("N"));

    /// <summary>
    /// Verify that SIGINT (Ctrl+C) or SIGTERM after the first checkpoint ends the app with exit code 130 or 143 and the
    /// resume hint (the app runs with SIGINT at its default disposition also where this process ignores it: AppProcess).
    /// </summary>
    /// <param name="signal">The signal's name for kill.</param>
    /// <param name="code">The exit code expected.</param>
    [Theory]
    [InlineData("INT", FraudApp.Interrupted)]
    [InlineData("TERM", FraudApp.Terminated)]
    public async Task A_signal_must_stop_the_job_and_exit_with_the_checkpoint_to_resume_from(string signal, int code)
    {
        using var app = AppProcess.Start("--count", "1000000", "--data-dir", _data, "--plain", "--checkpoint-interval", "500ms");
        await app.Checkpointed.WaitAsync(TimeSpan.FromSeconds(120));
        await app.SignalAsync(signal);
        var exit = await app.ExitAsync(TimeSpan.FromSeconds(120));

        var (stdout, stderr) = (app.Output, app.Error);
        Assert.True(exit == code, $"exit code {exit}; stderr:\n{stderr}\nstdout:\n{stdout}");
        Assert.Contains("fraud-detection: stopped by Ctrl+C or SIGTERM; run again with --data-dir " + _data + " to resume from checkpoint #", stderr, StringComparison.Ordinal);
    }


    public void Dispose()
    {
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }
}

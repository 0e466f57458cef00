using FraudDetection.App;

namespace FraudDetection.Tests.App;

/// <summary>
/// The app as a process: a second Ctrl+C (SIGINT) while the first one's graceful stop is under way ends the process at
/// once with exit code 130 and one line saying so. Before, the second SIGINT did nothing visible: the graceful stop ran
/// to its end, as the README's "a second Ctrl+C ends the process at once" did not say (found by a documentation review).
/// </summary>
public sealed class SecondCtrlCSpec : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "fraud-second-sigint-" + Guid.NewGuid().ToString("N"));

    /// <summary>
    /// Verify that a second SIGINT 300 ms after the first ends the app at once, not after the graceful stop (the app runs
    /// with SIGINT at its default disposition also where this process ignores it: AppProcess).
    /// </summary>
    [Fact]
    public async Task A_second_sigint_must_end_the_app_at_once()
    {
        using var app = AppProcess.Start("--count", "1000000", "--data-dir", _data, "--plain", "--checkpoint-interval", "500ms");
        await app.Checkpointed.WaitAsync(TimeSpan.FromSeconds(120));
        await app.SignalAsync("INT");
        await Task.Delay(TimeSpan.FromMilliseconds(300)); // the second signal apart from the first, as a person's
        await app.SignalAsync("INT");
        var exit = await app.ExitAsync(TimeSpan.FromSeconds(120));

        var (stdout, stderr) = (app.Output, app.Error);
        Assert.True(exit == FraudApp.Interrupted, $"exit code {exit}; stderr:\n{stderr}\nstdout:\n{stdout}");
        Assert.Contains("fraud-detection: ended at once by a second Ctrl+C, without stopping the job; a next run with the same --data-dir resumes from the last complete checkpoint, as after a crash", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("stopped by Ctrl+C or SIGTERM", stderr, StringComparison.Ordinal); // the graceful stop's end
    }

    public void Dispose()
    {
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text;
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
    /// Verify that a second SIGINT 300 ms after the first ends the app at once, not after the graceful stop. Where this
    /// process ignores SIGINT (a non-interactive shell's background job), its child does too, as Ctrl+C could not reach
    /// it either: there is nothing to check then.
    /// </summary>
    [Fact]
    public async Task A_second_sigint_must_end_the_app_at_once()
    {
        if (SigIntIgnored())
        {
            return;
        }

        var app = Path.Combine(AppContext.BaseDirectory, "FraudDetection.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { app, "--count", "1000000", "--data-dir", _data, "--plain", "--checkpoint-interval", "500ms" })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = new StringBuilder();
        var error = new StringBuilder();
        var checkpointed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (e.Data?.Contains("checkpoint #", StringComparison.Ordinal) == true)
            {
                checkpointed.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (error)
            {
                error.AppendLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await checkpointed.Task.WaitAsync(TimeSpan.FromSeconds(120));
            await Kill(process.Id);
            await Task.Delay(TimeSpan.FromMilliseconds(300)); // the second signal apart from the first, as a person's
            await Kill(process.Id);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        process.WaitForExit(); // drains the redirected output
        var (stdout, stderr) = (output.ToString(), error.ToString());
        Assert.True(process.ExitCode == FraudApp.Interrupted, $"exit code {process.ExitCode}; stderr:\n{stderr}\nstdout:\n{stdout}");
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

    private static async Task Kill(int pid)
    {
        using var kill = Process.Start("kill", ["-INT", pid.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    // Whether SIGINT (signal 2) is in this process's ignored set, which a child inherits.
    private static bool SigIntIgnored() =>
        File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal)) is { } line
        && (ulong.Parse(line["SigIgn:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture) & (1UL << 1)) != 0;
}

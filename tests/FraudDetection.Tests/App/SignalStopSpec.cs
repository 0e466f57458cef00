using System.Diagnostics;
using System.Text;
using FraudDetection.App;

namespace FraudDetection.Tests.App;

/// <summary>
/// The app as a process stopped by a real Ctrl+C (SIGINT): it stops the job after a last checkpoint, names the
/// checkpoint to resume from and exits 130. A review found it exited 1 with the job's teardown errors: System.CommandLine
/// returned after 2 s and the process ended under the stopping job.
/// </summary>
public sealed class SignalStopSpec : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "fraud-signal-" + Guid.NewGuid().ToString("N"));

    /// <summary>Verify that SIGINT after the first checkpoint ends the app with exit code 130 and the resume hint.</summary>
    [Fact]
    public async Task Ctrl_C_must_stop_the_job_and_exit_130_with_the_checkpoint_to_resume_from()
    {
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
            using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

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

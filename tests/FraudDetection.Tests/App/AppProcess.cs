using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace FraudDetection.Tests.App;

/// <summary>
/// The fraud app as a process of its own, for the specs that send it real signals: started with SIGINT at its default
/// disposition (<c>env --default-signal=INT</c>), since a test run in the background (CI's non-interactive shell) ignores
/// SIGINT and a child inherits that, so a Ctrl+C spec had nothing to test there. Collects standard output and error, and
/// knows when the app reported its first checkpoint.
/// </summary>
internal sealed class AppProcess : IDisposable
{
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();
    private readonly TaskCompletionSource _checkpointed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AppProcess(Process process) => Process = process;

    /// <summary>Gets the app's process.</summary>
    public Process Process { get; }

    /// <summary>Gets a task completing once the app printed its first checkpoint.</summary>
    public Task Checkpointed => _checkpointed.Task;

    /// <summary>Gets what the app wrote to standard output so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Gets what the app wrote to standard error so far.</summary>
    public string Error
    {
        get
        {
            lock (_error)
            {
                return _error.ToString();
            }
        }
    }

    /// <summary>Starts FraudDetection.dll with <paramref name="args"/>.</summary>
    public static AppProcess Start(params string[] args)
    {
        var info = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "--default-signal=INT", "dotnet", Path.Combine(AppContext.BaseDirectory, "FraudDetection.dll") }.Concat(args))
        {
            info.ArgumentList.Add(arg);
        }

        var app = new AppProcess(Process.Start(info)!);
        app.Process.OutputDataReceived += (_, e) =>
        {
            lock (app._output)
            {
                app._output.AppendLine(e.Data);
            }

            if (e.Data?.Contains("checkpoint #", StringComparison.Ordinal) == true)
            {
                app._checkpointed.TrySetResult();
            }
        };
        app.Process.ErrorDataReceived += (_, e) =>
        {
            lock (app._error)
            {
                app._error.AppendLine(e.Data);
            }
        };
        app.Process.BeginOutputReadLine();
        app.Process.BeginErrorReadLine();
        return app;
    }

    /// <summary>Sends the app <paramref name="signal"/> (kill's name: INT, TERM).</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, Process.Id.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    /// <summary>Waits for the app's exit (and its last output), at most <paramref name="timeout"/>.</summary>
    public async Task<int> ExitAsync(TimeSpan timeout)
    {
        await Process.WaitForExitAsync().WaitAsync(timeout);
        Process.WaitForExit(); // drains the redirected output
        return Process.ExitCode;
    }

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
        }

        Process.Dispose();
    }
}

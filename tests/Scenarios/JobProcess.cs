using System.Diagnostics;

namespace ActorFlow.Scenarios;

/// <summary>The scenario job as a separate OS process, so that it can be killed with SIGKILL.</summary>
internal sealed class JobProcess : IDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource _running = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private JobProcess(Process process, Action<string> log)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data == "running")
            {
                _running.TrySetResult();
            }
            else if (e.Data is { } line && (line.StartsWith("[WARNING]", StringComparison.Ordinal) || line.StartsWith("[ERROR]", StringComparison.Ordinal)))
            {
                log("job: " + line);
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line && !line.StartsWith("   at ", StringComparison.Ordinal))
            {
                log("job stderr: " + line);
            }
        };
    }

    public static JobProcess Start(string bootstrapServers, string dataDirectory, Action<string> log)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<configuration>/net10.0
        var dll = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../Scenarios.Job/bin", configuration, "net10.0/ActorFlow.ScenarioJob.dll"));
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException("The scenario job is not built; build tests/Scenarios.Job first.", dll);
        }

        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add(bootstrapServers);
        info.ArgumentList.Add(dataDirectory);
        var job = new JobProcess(Process.Start(info) ?? throw new InvalidOperationException("could not start the job process"), log);
        job._process.BeginOutputReadLine();
        job._process.BeginErrorReadLine();
        return job;
    }

    /// <summary>Completes when the job runs (its sources are materialised).</summary>
    public Task Running => _running.Task;

    public bool HasExited => _process.HasExited;

    /// <summary>SIGKILL: no shutdown hook, no drain, no final checkpoint.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }
}

using System.Diagnostics;

namespace ActorFlow.Scenarios;

/// <summary>The scenario job as a separate OS process, so that it can be killed with SIGKILL.</summary>
internal sealed class JobProcess : IDisposable
{
    private readonly Process _process;
    private readonly string _name;
    private readonly object _gate = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Seen)> _waiters = [];
    private bool _crashing;

    private JobProcess(Process process, string name, Action<string> log)
    {
        _process = process;
        _name = name;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not { } line)
            {
                return;
            }

            if (line.StartsWith("[WARNING]", StringComparison.Ordinal) || line.StartsWith("[ERROR]", StringComparison.Ordinal) || line.StartsWith("failover", StringComparison.Ordinal))
            {
                log($"{name}: {line}");
            }

            lock (_gate)
            {
                foreach (var waiter in _waiters.Where(w => w.Match(line)).ToList())
                {
                    _waiters.Remove(waiter);
                    waiter.Seen.TrySetResult(line);
                }
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not { Length: > 0 } line)
            {
                return;
            }

            // Stack frames only of a crash (an unhandled exception is what a failing run needs explained).
            _crashing |= line.StartsWith("Unhandled exception", StringComparison.Ordinal);
            if (_crashing || !line.StartsWith("   at ", StringComparison.Ordinal))
            {
                log($"{name} stderr: {line}");
            }
        };
        Running = NextLine(l => l == "running");
        Hosting = NextLine(l => l == "hosting");
    }

    /// <summary>
    /// Starts <c>ActorFlow.ScenarioJob &lt;bootstrap&gt; &lt;data-dir&gt; [options]</c>.
    /// </summary>
    public static JobProcess Start(string bootstrapServers, string dataDirectory, Action<string> log, string name = "job", params string[] options)
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
        foreach (var option in options)
        {
            info.ArgumentList.Add(option);
        }

        var job = new JobProcess(Process.Start(info) ?? throw new InvalidOperationException("could not start the job process"), name, log);
        job._process.BeginOutputReadLine();
        job._process.BeginErrorReadLine();
        return job;
    }

    /// <summary>Completes when the process prints "running" (its jobs are started, or its key groups hosted).</summary>
    public Task Running { get; }

    /// <summary>Completes when a two-node runner prints "hosting" (its region is up: the host node may start).</summary>
    public Task Hosting { get; }

    public bool HasExited => _process.HasExited;

    public string Name => _name;

    /// <summary>Completes with the next line printed from now on that matches <paramref name="match"/>.</summary>
    public Task<string> NextLine(Func<string, bool> match)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _waiters.Add((match, seen));
        }

        return seen.Task;
    }

    /// <summary>Completes when the process has exited (on its own or killed).</summary>
    public Task ExitedAsync(CancellationToken cancellation) => _process.WaitForExitAsync(cancellation);

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

using System.Diagnostics;
using ActorFlow.Topology.Runtime;
using FraudDetection.Output;
using FraudDetection.Rules;
using Spectre.Console;

namespace FraudDetection.App;

/// <summary>Shows the running job's progress until it ends or Ctrl+C: a live table on a terminal, plain lines otherwise.</summary>
/// <param name="running">The job.</param>
/// <param name="meter">Its counters.</param>
/// <param name="lag">Its consumer lag, or <c>null</c> (a job that reads no topic).</param>
/// <param name="alerts">Alerts written per rule.</param>
/// <param name="late">Late transactions.</param>
/// <param name="clock">Time since the job started.</param>
/// <param name="badLines">Bad CSV lines (dead letters written before the job).</param>
public sealed class ProgressLoop(RunningJob running, JobMeter meter, LagProbe? lag, Counts alerts, Counts late, Stopwatch clock, long badLines)
{
    private long _lastRead;
    private TimeSpan _lastTime;
    private long _lastCheckpoint;
    private TimeSpan _checkpointAt;

    /// <summary>Shows progress until the job completes (returns false) or <paramref name="cancellation"/> is cancelled (returns true).</summary>
    /// <param name="output">The output.</param>
    /// <param name="plain">Plain lines even on a terminal.</param>
    /// <param name="cancellation">Ctrl+C.</param>
    /// <returns>Whether the run was stopped.</returns>
    public async Task<bool> RunAsync(TextWriter output, bool plain, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(output);
        var live = !plain && output == Console.Out && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        if (live)
        {
            var stopped = false;
            await AnsiConsole.Live(Snapshot().ToTable()).StartAsync(async context =>
            {
                stopped = await LoopAsync(TimeSpan.FromMilliseconds(500), s => context.UpdateTarget(s.ToTable()), cancellation).ConfigureAwait(false);
            }).ConfigureAwait(false);
            return stopped;
        }

        return await LoopAsync(TimeSpan.FromSeconds(2), s => output.WriteLine(s.ToLine()), cancellation).ConfigureAwait(false);
    }

    /// <summary>A look at the job now.</summary>
    /// <returns>The snapshot.</returns>
    public ProgressSnapshot Snapshot()
    {
        var now = clock.Elapsed;
        var read = meter.RecordsIn;
        var rate = now > _lastTime ? (read - _lastRead) / (now - _lastTime).TotalSeconds : 0;
        _lastRead = read;
        _lastTime = now;
        var checkpoint = running.LastCompletedCheckpoint;
        if (checkpoint != _lastCheckpoint)
        {
            _lastCheckpoint = checkpoint;
            _checkpointAt = now;
        }

        return new ProgressSnapshot(
            now,
            rate,
            read,
            running.CurrentWatermark,
            lag?.Lag(),
            RuleNames.All.ToDictionary(r => r, r => alerts[r]),
            late.Total,
            meter.DeadLetters + badLines,
            checkpoint,
            checkpoint == 0 ? null : now - _checkpointAt);
    }

    private async Task<bool> LoopAsync(TimeSpan every, Action<ProgressSnapshot> show, CancellationToken cancellation)
    {
        while (!running.Completion.IsCompleted)
        {
            try
            {
                await Task.WhenAny(running.Completion, Task.Delay(every, cancellation)).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C: handled below
            }

            if (cancellation.IsCancellationRequested)
            {
                return true;
            }

            show(Snapshot());
        }

        return false;
    }
}

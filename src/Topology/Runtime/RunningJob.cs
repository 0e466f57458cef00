using ActorFlow.Persistence.Checkpoints;
using ActorFlow.Topology.Runtime.Internal;
using Akka.Actor;
using Akka.Event;

namespace ActorFlow.Topology.Runtime;

/// <summary>
/// A running job: its completion, a graceful stop, checkpoints and its current watermark. A keyed job that fails
/// fails over (as Flink's restart strategy): the run is abandoned, every key group and every source partition
/// restores the last complete checkpoint, and a new run starts; <see cref="Completion"/> fails only when
/// <see cref="JobRunnerOptions.RestartAttempts"/> failovers in a row did not get a checkpoint completed.
/// </summary>
public sealed class RunningJob
{
    private readonly ActorSystem _system;
    private readonly Func<JobRun, Task<JobRun>>? _failover;
    private readonly JobRunnerOptions _options;
    private readonly ILoggingAdapter _log;
    private volatile JobRun _current;
    private volatile bool _stopping;
    private long _failedBefore;
    private long _completedInRun;

    internal RunningJob(ActorSystem system, string name, JobRun first, Func<JobRun, Task<JobRun>>? failover, JobRunnerOptions options, ILoggingAdapter log)
    {
        _system = system;
        Name = name;
        _current = first;
        _failover = failover;
        _options = options;
        _log = log;
        Watch(first);
        Completion = SuperviseAsync();
    }

    /// <summary>The job's name.</summary>
    public string Name { get; }

    /// <summary>Completes when every sink has written everything (after a stop), or fails with the job's error.</summary>
    public Task Completion { get; }

    /// <summary>Failovers so far: runs restarted from the last complete checkpoint after a failure.</summary>
    public int Restarts { get; private set; }

    /// <summary>The id of the last complete checkpoint (0 when none).</summary>
    public long LastCompletedCheckpoint => _current.Dispatcher.Checkpoints?.LastCompletedId ?? 0;

    /// <summary>Checkpoints aborted so far.</summary>
    public long FailedCheckpoints => Interlocked.Read(ref _failedBefore) + (_current.Dispatcher.Checkpoints?.Failed ?? 0);

    /// <summary>
    /// Takes a checkpoint now (at the next batch boundary, at most one watermark interval away) and completes when
    /// its record is durable; fails with <see cref="CheckpointFailedException"/> when it is aborted.
    /// </summary>
    public Task<CheckpointRecord> CheckpointAsync() =>
        _current.Dispatcher.Checkpoints?.RequestAsync() ?? throw new InvalidOperationException($"Job '{Name}' has no keyed state to checkpoint.");

    /// <summary>
    /// Takes a savepoint: a checkpoint, triggered now, stored under <paramref name="name"/> (unique per job) and kept
    /// until deleted (never pruned, and neither are the snapshots it names). Start a job from it with
    /// <see cref="JobRunnerOptions.FromSavepoint"/>.
    /// </summary>
    /// <param name="name">The savepoint name: 1 to 200 characters, no white space or control characters.</param>
    /// <returns>The savepoint's record.</returns>
    /// <exception cref="InvalidOperationException">The job already has a savepoint of that name, or has no keyed state.</exception>
    /// <exception cref="CheckpointFailedException">The checkpoint failed (the job keeps running).</exception>
    public Task<CheckpointRecord> SavepointAsync(string name) =>
        _current.Dispatcher.Checkpoints is { } checkpoints
            ? Savepoints.TakeAsync(checkpoints, name)
            : throw new InvalidOperationException($"Job '{Name}' has no keyed state to take a savepoint of.");

    /// <summary>The job's current watermark (epoch ms; <see cref="long.MinValue"/> before the first).</summary>
    public long CurrentWatermark => _current.Dispatcher.Watermark;

    /// <summary>Stops reading, lets the batches in flight reach the sinks, then releases the sources.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        _stopping = true;
        var run = _current;
        try
        {
            await run.Control.StopAsync().ConfigureAwait(false);
            await Completion.WaitAsync(timeout).ConfigureAwait(false);
        }
        finally
        {
            await run.Control.ShutdownAsync().ConfigureAwait(false);
            if (!ReferenceEquals(run, _current))
            {
                await _current.Control.ShutdownAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The node is shutting down (or down): its job dies with it; a restarted node restores the checkpoint.</summary>
    private bool Terminating => _system.WhenTerminated.IsCompleted || CoordinatedShutdown.Get(_system).ShutdownReason is not null;

    private void Watch(JobRun run)
    {
        Interlocked.Exchange(ref _completedInRun, 0);
        if (run.Dispatcher.Checkpoints is { } checkpoints)
        {
            checkpoints.CheckpointCompleted += _ => Interlocked.Increment(ref _completedInRun);
        }
    }

    private async Task SuperviseAsync()
    {
        var inARow = 0;
        while (true)
        {
            var run = _current;
            try
            {
                await run.Completion.ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException && _failover is not null && !_stopping && _options.RestartAttempts > 0 && !Terminating)
            {
                inARow = Interlocked.Read(ref _completedInRun) > 0 ? 1 : inARow + 1;
                if (inARow > _options.RestartAttempts)
                {
                    _log.Error(e, "Job {0} failed {1} times in a row without completing a checkpoint; giving up", Name, inARow);
                    throw;
                }

                _log.Warning("Job {0} failed ({1}: {2}); failing over to its last complete checkpoint (restart {3} in a row)", Name, e.GetType().Name, e.Message, inARow);
                JobRun? next = null;
                while (next is null)
                {
                    try
                    {
                        next = await _failover(run).ConfigureAwait(false);
                    }
                    catch (Exception f) when (f is not OutOfMemoryException)
                    {
                        if (_stopping || Terminating)
                        {
                            return;
                        }

                        if (++inARow > _options.RestartAttempts)
                        {
                            _log.Error(f, "Job {0}: failover failed {1} times in a row; giving up", Name, inARow);
                            throw;
                        }

                        _log.Warning("Job {0}: failover failed ({1}: {2}); trying again in {3}", Name, f.GetType().Name, f.Message, _options.RestartDelay);
                        await Task.Delay(_options.RestartDelay).ConfigureAwait(false);
                    }
                }

                Interlocked.Add(ref _failedBefore, run.Dispatcher.Checkpoints?.Failed ?? 0);
                Restarts++;
                Watch(next);
                _current = next;
                if (_stopping)
                {
                    await next.Control.StopAsync().ConfigureAwait(false);
                }
            }
        }
    }
}

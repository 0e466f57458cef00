using ActorFlow.Topology.Connectors;

namespace ActorFlow.Topology.Runtime;

/// <summary>A running job: its completion, a graceful stop, and its current watermark.</summary>
public sealed class RunningJob
{
    private readonly ISourceControl _control;
    private readonly BatchDispatcher _dispatcher;

    internal RunningJob(string name, ISourceControl control, Task completion, BatchDispatcher dispatcher)
    {
        Name = name;
        _control = control;
        Completion = completion;
        _dispatcher = dispatcher;
    }

    /// <summary>The job's name.</summary>
    public string Name { get; }

    /// <summary>Completes when every sink has written everything (after a stop), or fails with the job's error.</summary>
    public Task Completion { get; }

    /// <summary>The id of the last complete checkpoint (0 when none).</summary>
    public long LastCompletedCheckpoint => _dispatcher.Checkpoints?.LastCompletedId ?? 0;

    /// <summary>Checkpoints aborted so far.</summary>
    public long FailedCheckpoints => _dispatcher.Checkpoints?.Failed ?? 0;

    /// <summary>
    /// Takes a checkpoint now (at the next batch boundary, at most one watermark interval away) and completes when
    /// its record is durable; fails with <see cref="CheckpointFailedException"/> when it is aborted.
    /// </summary>
    public Task<ActorFlow.Persistence.Checkpoints.CheckpointRecord> CheckpointAsync() =>
        _dispatcher.Checkpoints?.RequestAsync() ?? throw new InvalidOperationException($"Job '{Name}' has no keyed state to checkpoint.");

    /// <summary>
    /// Takes a savepoint: a checkpoint, triggered now, stored under <paramref name="name"/> (unique per job) and kept
    /// until deleted (never pruned, and neither are the snapshots it names). Start a job from it with
    /// <see cref="JobRunnerOptions.FromSavepoint"/>.
    /// </summary>
    /// <param name="name">The savepoint name: 1 to 200 characters, no white space or control characters.</param>
    /// <returns>The savepoint's record.</returns>
    /// <exception cref="InvalidOperationException">The job already has a savepoint of that name, or has no keyed state.</exception>
    /// <exception cref="CheckpointFailedException">The checkpoint failed (the job keeps running).</exception>
    public Task<ActorFlow.Persistence.Checkpoints.CheckpointRecord> SavepointAsync(string name) =>
        _dispatcher.Checkpoints is { } checkpoints
            ? Savepoints.TakeAsync(checkpoints, name)
            : throw new InvalidOperationException($"Job '{Name}' has no keyed state to take a savepoint of.");

    /// <summary>The job's current watermark (epoch ms; <see cref="long.MinValue"/> before the first).</summary>
    public long CurrentWatermark => _dispatcher.Watermark;

    /// <summary>Stops reading, lets the batches in flight reach the sinks, then releases the sources.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        try
        {
            await _control.StopAsync().ConfigureAwait(false);
            await Completion.WaitAsync(timeout).ConfigureAwait(false);
        }
        finally
        {
            await _control.ShutdownAsync().ConfigureAwait(false);
        }
    }
}

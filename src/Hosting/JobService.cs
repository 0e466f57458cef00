using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using Akka.Actor;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorFlow.Hosting;

/// <summary>
/// INTERNAL API. Runs one job (or hosts its key groups) while the host runs. The job stops in the host's stopping
/// phase (<see cref="IHostedLifecycleService.StoppingAsync"/>), which the host runs for every service before any
/// service's <c>StopAsync</c>: so the node (stopped in its <c>StopAsync</c>) outlives every job, also when the host
/// stops its services concurrently (<c>HostOptions.ServicesStopConcurrently</c>).
/// </summary>
internal sealed class JobService(
    ActorFlowNode node,
    ActorFlowJobs jobs,
    IServiceProvider services,
    Func<IServiceProvider, ActorSystem, StreamJob> factory,
    ActorFlowJobOptions options,
    IHostApplicationLifetime lifetime,
    TimeProvider clock,
    ILogger<JobService> log) : IHostedLifecycleService
{
    private RunningJob? _running;
    private JobSingleton? _singleton;
    private volatile bool _stopping;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var system = await node.WhenUp.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (options.Singleton is { } singleton)
            {
                // The singleton builds the job itself: once to check and host it, and again at each start on this node.
                _singleton = await JobRunner.StartSingletonAsync(system, () => factory(services, system), options.Runner, singleton).ConfigureAwait(false);
                jobs.Add(_singleton);
                log.LogInformation("Job {Job}: runs as a cluster singleton (on the oldest node{Role}); this node hosts its key groups", _singleton.Name, singleton.Role is { } role ? " of role " + role : string.Empty);
                return;
            }

            var job = factory(services, system) ?? throw new InvalidOperationException("AddActorFlowJob: the job factory returned null.");
            if (options.HostKeyGroupsOnly)
            {
                await JobRunner.HostAsync(system, job, options.Runner).ConfigureAwait(false);
                log.LogInformation("Job {Job}: this node hosts its key groups", job.Name);
                return;
            }

            // Not cancelled by the host's token: a job started meanwhile would be left running unseen; the start's own
            // bounds (recovery, sources' connection timeout) end it.
            _running = await JobRunner.StartAsync(system, job, options.Runner).ConfigureAwait(false);
            jobs.Add(_running);
            log.LogInformation("Job {Job} started", job.Name);
            _ = WatchAsync(_running);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The host does not stop the services it started when a later one fails to start: the node (and any job
            // started on it) would linger in a host that never runs. The failure ends them with it.
            log.LogCritical(e, "An ActorFlow job could not start; the node shuts down");
            await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance).ConfigureAwait(false);
            throw;
        }
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Stops the job as <see cref="ActorFlowJobOptions.StopMode"/> says, within <see cref="ActorFlowJobOptions.StopTimeout"/> in all.</summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        var running = _running ?? _singleton?.Current; // a singleton stops here when it runs here; the next node takes it over
        if (running is null || running.Completion.IsCompleted)
        {
            return;
        }

        if (node.WhenUp.Result.WhenTerminated.IsCompleted)
        {
            log.LogWarning("Job {Job}: its node's actor system has terminated, so it cannot stop; its next start resumes from its last complete checkpoint", running.Name);
            return;
        }

        var deadline = clock.GetTimestamp() + (long)(options.StopTimeout.TotalSeconds * clock.TimestampFrequency);
        try
        {
            if (options.StopMode != JobStopMode.Stop && await StopWithSavepointAsync(running, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            // What the savepoint left of the stop's time, and at least a few seconds for the batches in flight.
            var left = TimeSpan.FromSeconds(Math.Max(5, (deadline - clock.GetTimestamp()) / (double)clock.TimestampFrequency));
            await running.StopAsync(left).WaitAsync(cancellationToken).ConfigureAwait(false);
            log.LogInformation("Job {Job} stopped", running.Name);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host's shutdown timeout (HostOptions.ShutdownTimeout) ended the wait, not the stop: the node's shutdown
            // ends the job with it; its next start resumes from its last complete checkpoint.
            log.LogWarning(
                "Job {Job} did not stop within the host's shutdown timeout (HostOptions.ShutdownTimeout); the node's shutdown ends it, and its next start resumes from its last complete checkpoint. Give the host a longer shutdown timeout than StopTimeout ({StopTimeout})",
                running.Name,
                options.StopTimeout);
        }
        catch (Exception e) when (e is not (OutOfMemoryException or OperationCanceledException))
        {
            // A failed stop must not fail the host's stop (the process would end on an unhandled exception): the node's
            // shutdown ends the job, and its next start resumes from its last complete checkpoint.
            log.LogError(e, "Job {Job} did not stop cleanly; the node's shutdown ends it, and its next start resumes from its last complete checkpoint", running.Name);
            ExitCodes.SetUnlessSet(options.ExitCodeOnFailure);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>True when the job stopped with its savepoint; false (logged, the exit code set) when it could not be taken.</summary>
    private async Task<bool> StopWithSavepointAsync(RunningJob running, CancellationToken cancellationToken)
    {
        var name = options.SavepointName(running.Name, clock.GetUtcNow());
        try
        {
            var savepoint = await running.StopWithSavepointAsync(name, options.StopTimeout, drain: options.StopMode == JobStopMode.SavepointAndDrain)
                .WaitAsync(cancellationToken).ConfigureAwait(false);
            log.LogInformation("Job {Job} stopped with savepoint {Savepoint} (checkpoint {Checkpoint})", running.Name, name, savepoint.CheckpointId);
            return true;
        }
        catch (Exception e) when (e is not (OutOfMemoryException or OperationCanceledException))
        {
            // Asked for and not taken: whatever was to start from it (the next version, FromSavepoint) would fail, so the
            // process says so by its exit code too.
            log.LogError(e, "Job {Job}: the savepoint {Savepoint} of its stop failed; it stops without one and resumes from its last complete checkpoint", running.Name, name);
            ExitCodes.SetUnlessSet(options.ExitCodeOnFailure);
            return false;
        }
    }

    /// <summary>A job that ends by itself (end of a bounded input, or a failure its restart strategy gave up on) ends the host, by default.</summary>
    private async Task WatchAsync(RunningJob running)
    {
        try
        {
            var summary = await running.Completion.ConfigureAwait(false);
            if (_stopping)
            {
                return;
            }

            log.LogInformation("Job {Job} ended: {Summary}", running.Name, summary);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            log.LogCritical(e, "Job {Job} failed", running.Name);
            ExitCodes.SetUnlessSet(options.ExitCodeOnFailure);
            if (_stopping)
            {
                return;
            }
        }

        if (options.StopHostWhenJobEnds)
        {
            lifetime.StopApplication();
        }
    }
}

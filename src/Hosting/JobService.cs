using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using Akka.Actor;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorFlow.Hosting;

/// <summary>INTERNAL API. Runs one job (or hosts its key groups) while the host runs.</summary>
internal sealed class JobService(
    ActorFlowNode node,
    ActorFlowJobs jobs,
    IServiceProvider services,
    Func<IServiceProvider, ActorSystem, StreamJob> factory,
    ActorFlowJobOptions options,
    IHostApplicationLifetime lifetime,
    TimeProvider clock,
    ILogger<JobService> log) : IHostedService
{
    private RunningJob? _running;
    private volatile bool _stopping;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var system = await node.System.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
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

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        var running = _running;
        if (running is null || running.Completion.IsCompleted)
        {
            return;
        }

        if (options.StopMode != JobStopMode.Stop)
        {
            var name = options.SavepointName(running.Name, clock.GetUtcNow());
            try
            {
                var savepoint = await running.StopWithSavepointAsync(name, options.StopTimeout, drain: options.StopMode == JobStopMode.SavepointAndDrain)
                    .WaitAsync(cancellationToken).ConfigureAwait(false);
                log.LogInformation("Job {Job} stopped with savepoint {Savepoint} (checkpoint {Checkpoint})", running.Name, name, savepoint.CheckpointId);
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException && !cancellationToken.IsCancellationRequested)
            {
                log.LogError(e, "Job {Job}: the savepoint {Savepoint} of its stop failed; it stops without one and resumes from its last complete checkpoint", running.Name, name);
            }
        }

        await running.StopAsync(options.StopTimeout).WaitAsync(cancellationToken).ConfigureAwait(false);
        log.LogInformation("Job {Job} stopped", running.Name);
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
            if (options.ExitCodeOnFailure is { } code && Environment.ExitCode == 0)
            {
                Environment.ExitCode = code;
            }

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

using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime.Internal;
using Akka.Actor;
using Akka.Event;

namespace ActorFlow.Topology.Runtime;

/// <summary>Hosting a job's key groups on nodes that do not run its source.</summary>
public static partial class JobRunner
{
    /// <summary>
    /// Makes this node host key groups of <paramref name="job"/> without running its source: registers the job and
    /// starts its shard region, so sharding may place key groups here. Call it on every node of the cluster except
    /// the one that calls <see cref="StartAsync"/> (which hosts key groups too; calling it there as well does no harm), with the same job (same code and
    /// serializers) and the same <see cref="JobRunnerOptions.Shards"/>, before starting the job, so that key groups
    /// are spread over all nodes from the first record. Records, results and side outputs then cross nodes in
    /// ActorFlow's binary format, so every type of the job needs a serializer
    /// (<see cref="StreamJobBuilder.WithSerializers"/>); a job missing one fails here, naming the type. Key groups
    /// stay hosted until the actor system terminates. Give every node the same <paramref name="options"/>: with
    /// <see cref="JobRunnerOptions.RestoreCheckpointId"/> the key groups here restore that checkpoint, as the start
    /// node's do (until a newer one completes), and with <see cref="ExecutionMode.Batch"/> they fire their pending
    /// processing-time timers at the end of the input, as the start node's do.
    /// </summary>
    /// <exception cref="InvalidOperationException">The job is stateless (nothing to host) or a type has no serializer.</exception>
    public static async Task HostAsync(ActorSystem system, StreamJob job, JobRunnerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(job);
        options ??= new JobRunnerOptions();
        options.Validate();
        if (!job.Plan.IsKeyed || job.Wire is null)
        {
            throw new InvalidOperationException($"Job '{job.Name}' is stateless: it has no key groups to host; run it with JobRunner.Start.");
        }

        if (job.Wire.Describe(job.Name) is { } problem)
        {
            throw new InvalidOperationException(problem);
        }

        var store = ActorFlowCluster.CheckpointStoreOf(system);
        await store.InitializeAsync().ConfigureAwait(false);
        await Savepoints.RequireAsync(store, job.Name, options.FromSavepoint).ConfigureAwait(false);
        // The checkpoint the start node restores: the latest, or the one RestoreCheckpointId names (give every node the
        // same options), whose key groups on this node must restore it too (a corrupt latest one fails here as there).
        var storedIds = options.RestoreCheckpointId is null ? null : await store.ListIdsAsync(job.Name).ConfigureAwait(false);
        if (options.RestoreCheckpointId is { } pinned && !storedIds!.Contains(pinned))
        {
            // Pruned since the start from it (newer checkpoints completed): the job restores the latest one now.
            Logging.GetLogger(system, "ActorFlow.JobRunner").Warning("Job {0}: checkpoint {1} (RestoreCheckpointId) is no longer stored; this node's key groups restore the latest one", job.Name, pinned);
            options = options with { RestoreCheckpointId = null };
        }

        var restoreFrom = await JobRecovery.FindRestorePointAsync(store, job.Name, options).ConfigureAwait(false);
        JobRegistry.Get(system).Register(job.Name, job.Plan, options, restoreFrom);
        await RecoveryMonitor.Get(system).PinAsync(store, job.Name, options, restoreFrom, storedIds).ConfigureAwait(false);
        StartRegion(system, job, options);
    }

    /// <summary>
    /// Registers the job's wire format on this node so its messages can cross nodes. With more than one cluster
    /// member Up, a job with a type that has no serializer fails to start, naming the type (a member that joins
    /// later gets no key groups of it: hosting fails there, see <see cref="HostAsync"/>).
    /// </summary>
    private static void RegisterWireFormat(ActorSystem system, StreamJob job)
    {
        if (job.Wire is null)
        {
            return;
        }

        if (ActorFlowCluster.UpMembers(system) > 1 && job.Wire.Describe(job.Name) is { } problem)
        {
            throw new InvalidOperationException(problem);
        }

        JobWireFormats.Get(system).Register(job.Name, job.Wire);
    }
}

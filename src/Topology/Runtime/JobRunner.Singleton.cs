using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime.Internal;
using Akka.Actor;
using Akka.Cluster.Tools.Singleton;

namespace ActorFlow.Topology.Runtime;

/// <summary>Running a job on one node of the cluster at a time, moved to another when that node leaves or dies.</summary>
public static partial class JobRunner
{
    /// <summary>
    /// Runs <paramref name="job"/> as a cluster singleton: call it on every node of the cluster with the same job (same
    /// code and serializers) and options. Every node hosts key groups of the job (as <see cref="HostAsync"/>), and the
    /// oldest node (of <see cref="JobSingletonOptions.Role"/>) runs its source, as Akka's cluster singleton places an
    /// actor. When that node leaves the cluster, it stops the job and the next oldest starts it; when it dies, the
    /// cluster's downing (the split-brain resolver) removes it and the next oldest starts the job. Each start restores
    /// the job's last complete checkpoint and replays the sources from its offsets, so nothing is lost and exactly-once
    /// sinks write nothing twice. The nodes must share the state store (PostgreSQL; a SQLite file is one node's).
    /// </summary>
    /// <param name="system">This node (see <see cref="ActorFlowCluster.StartNodeAsync"/>).</param>
    /// <param name="job">Builds the job: once here, and again at each start on this node.</param>
    /// <param name="options">The job's options; a start from a savepoint or a pinned checkpoint is refused.</param>
    /// <param name="singleton">Where the job runs and how it moves.</param>
    /// <returns>This node's handle of the job.</returns>
    /// <exception cref="ArgumentException">The job is bounded, or the options name a savepoint or a checkpoint to start from.</exception>
    /// <exception cref="InvalidOperationException">The job runs as a singleton on this node already, or a type has no serializer.</exception>
    public static async Task<JobSingleton> StartSingletonAsync(ActorSystem system, Func<StreamJob> job, JobRunnerOptions? options = null, JobSingletonOptions? singleton = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(job);
        options ??= new JobRunnerOptions();
        singleton ??= new JobSingletonOptions();
        options.Validate();
        singleton.Validate();
        var built = job() ?? throw new ArgumentException("The job factory returned null.", nameof(job));
        if (options.FromSavepoint is not null || options.RestoreCheckpointId is not null)
        {
            // Every node that takes the job over starts it: from the savepoint again each time, the job would go back
            // to it and write its output again.
            throw new ArgumentException(
                $"Job '{built.Name}' cannot run as a singleton from a savepoint or a pinned checkpoint (FromSavepoint, RestoreCheckpointId): every takeover would start from it again. Start it from there once with JobRunner.StartAsync, stop it, then run it as a singleton: it resumes from its latest checkpoint.",
                nameof(options));
        }

        if (built.Plan.IsBounded || options.ExecutionMode == ExecutionMode.Batch)
        {
            throw new ArgumentException(
                $"Job '{built.Name}' is bounded (or runs in batch mode): a singleton keeps a job running and starts it again on the next node, which would run a finished job again. Run it with JobRunner.StartAsync.",
                nameof(job));
        }

        // Every node hosts key groups, so that they spread over the cluster and outlive the node running the source. A job
        // that cannot cross nodes (a type without a serializer) is refused as HostAsync refuses it, except on a cluster
        // of one, where it runs as JobRunner.StartAsync runs it (a node that joins later refuses to host it, naming the type).
        if (built.Plan.IsKeyed && built.Wire is not null && (ActorFlowCluster.UpMembers(system) > 1 || built.Wire.Describe(built.Name) is null))
        {
            await HostAsync(system, built, options).ConfigureAwait(false);
        }

        var handle = new JobSingleton(built.Name);
        var settings = ClusterSingletonManagerSettings.Create(system).WithSingletonName("driver");
        if (singleton.Role is { } role)
        {
            if (!Akka.Cluster.Cluster.Get(system).SelfRoles.Contains(role))
            {
                // Akka's singleton manager runs only on the nodes of its role: this node hosts key groups and never runs the job.
                return handle;
            }

            settings = settings.WithRole(role);
        }

        var driver = Props.Create(() => new JobDriver(handle, job, options, singleton));
        try
        {
            system.ActorOf(ClusterSingletonManager.Props(driver, JobDriver.StopJob.Instance, settings), "actorflow-singleton-" + built.Name);
        }
        catch (InvalidActorNameException)
        {
            throw new InvalidOperationException($"Job '{built.Name}' runs as a singleton on this node already.");
        }

        // The node's key groups hand off in the shutdown's sharding phase, before the node leaves and hands the singleton
        // over: the job stops here first.
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeClusterShutdown, "actorflow-stop-singleton-" + built.Name, async () =>
        {
            var downed = CoordinatedShutdown.Get(system).ShutdownReason is CoordinatedShutdown.ClusterDowningReason;
            await handle.StopForShutdownAsync(singleton.StopTimeout, downed).ConfigureAwait(false);
            return Akka.Done.Instance;
        });
        return handle;
    }
}

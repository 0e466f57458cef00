using ActorFlow.Topology.Runtime;

namespace ActorFlow.Hosting;

/// <summary>How the host runs a job (<see cref="ActorFlowHostingExtensions.AddActorFlowJob"/>).</summary>
public sealed class ActorFlowJobOptions
{
    /// <summary>Gets or sets the job runner's options (checkpoints, restart strategy, execution mode, start from a savepoint).</summary>
    public JobRunnerOptions Runner { get; set; } = new();

    /// <summary>
    /// Gets or sets a value indicating whether this node only hosts key groups of the job (<c>JobRunner.HostAsync</c>)
    /// instead of running it: for the nodes of a cluster other than the one running the job's sources and sinks.
    /// Default false.
    /// </summary>
    public bool HostKeyGroupsOnly { get; set; }

    /// <summary>
    /// Gets or sets whether (and how) the job runs as a cluster singleton (<c>JobRunner.StartSingletonAsync</c>): give every
    /// node of the cluster the same job with this set; the oldest node runs it, every node hosts key groups, and when
    /// that node leaves or dies the next oldest takes the job over from its last complete checkpoint. When the host
    /// stops while the job runs here, it stops as <see cref="StopMode"/> says (<see cref="JobStopMode.Stop"/> or
    /// <see cref="JobStopMode.Savepoint"/>: a drain is refused, since the next node resumes from it) and the next node takes it over. The job
    /// is listed in <see cref="ActorFlowJobs.Singletons"/>, not in <see cref="ActorFlowJobs.Started"/>, and
    /// <see cref="StopHostWhenJobEnds"/> does not apply. Default null: the job runs on this node
    /// (<c>JobRunner.StartAsync</c>).
    /// </summary>
    public JobSingletonOptions? Singleton { get; set; }

    /// <summary>Gets or sets how the job stops when the host stops. Default <see cref="JobStopMode.Stop"/>.</summary>
    public JobStopMode StopMode { get; set; } = JobStopMode.Stop;

    /// <summary>
    /// Gets or sets the savepoint's name for <see cref="JobStopMode.Savepoint"/>, from the job's name and the time of the
    /// stop. Default <c>{job}-stop-{yyyyMMdd-HHmmss}</c> (UTC).
    /// </summary>
    public Func<string, DateTimeOffset, string> SavepointName { get; set; } =
        (job, at) => $"{job}-stop-{at.UtcDateTime:yyyyMMdd-HHmmss}";

    /// <summary>
    /// Gets or sets how long the stop may take in all, its savepoint included. Default 20 s, within the host's default
    /// shutdown timeout (<c>HostOptions.ShutdownTimeout</c>, 30 s), which bounds the stops of every job and the node's
    /// shutdown after them: give the host more when a job's savepoint takes longer.
    /// </summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Gets or sets a value indicating whether the host stops when the job ends by itself: a bounded job at the end of
    /// its input, or a job that failed for good (its restart strategy gave up). Default true: a process that runs one
    /// job ends with it, as a Flink application cluster does.
    /// </summary>
    public bool StopHostWhenJobEnds { get; set; } = true;

    /// <summary>
    /// Gets or sets the process exit code (<see cref="Environment.ExitCode"/>) set when the job fails for good, or when the
    /// savepoint its stop was asked for (<see cref="JobStopMode.Savepoint"/>) could not be taken, unless one is set
    /// already; null leaves it alone. Default 1, so that a supervisor (systemd, Kubernetes) or a deployment script sees it.
    /// </summary>
    public int? ExitCodeOnFailure { get; set; } = 1;
}

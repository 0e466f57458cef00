namespace ActorFlow.Topology.Runtime;

/// <summary>
/// A job run as a cluster singleton on this node (<see cref="JobRunner.StartSingletonAsync"/>): the job runs on one node
/// of the cluster at a time, and this handle says whether that is this node.
/// </summary>
public sealed class JobSingleton
{
    private volatile RunningJob? _current;
    private volatile Exception? _lastStartFailure;
    private volatile Task<JobSummary>? _lastCompletion;
    private volatile Task<RunningJob>? _starting;

    internal JobSingleton(string name) => Name = name;

    /// <summary>Gets the job's name.</summary>
    public string Name { get; }

    /// <summary>Gets the job's run while this node runs it (its metrics, checkpoints and savepoints), else null.</summary>
    public RunningJob? Current => _current;

    /// <summary>Gets the failure of this node's last attempt to start the job, or null (none, or a start succeeded since).</summary>
    public Exception? LastStartFailure => _lastStartFailure;

    /// <summary>
    /// Gets the completion of the last run of the job on this node, or null before the first: it completes when the
    /// run is stopped (the job moved to another node) and fails when the job failed for good on this node.
    /// </summary>
    public Task<JobSummary>? LastCompletion => _lastCompletion;

    /// <summary>Whether this node is shutting down: its driver starts the job no more.</summary>
    internal bool Leaving { get; private set; }

    /// <summary>
    /// The node is shutting down (it leaves the cluster): the job stops here before the node's key groups hand off to
    /// other nodes (which happens before the cluster singleton is handed over), so that the job does not run on while
    /// its key groups move away under it.
    /// </summary>
    internal async Task StopForShutdownAsync(TimeSpan timeout, bool downed)
    {
        Leaving = true;
        var job = _current;
        if (job is null && _starting is { } start)
        {
            // A start under way (the node took the job over a moment ago): it is stopped once started, here, so that the
            // key groups do not hand off under a job that starts meanwhile.
            try
            {
                job = await start.WaitAsync(timeout).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return; // it failed, or ends with the node
            }
        }

        if (job is not null)
        {
            if (downed)
            {
                // Removed from the cluster: another node may be starting the job from the last complete checkpoint
                // already, so this run completes none after it (its output would be published twice).
                job.OnNodeTerminated();
            }

            try
            {
                await job.StopAsync(timeout).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Ends with the node: the next node restores the last complete checkpoint.
            }
        }
    }

    internal void Starting(Task<RunningJob> start) => _starting = start;

    internal void Started(RunningJob job)
    {
        _starting = null;
        _lastStartFailure = null;
        _lastCompletion = job.Completion;
        _current = job;
    }

    internal void StartFailed(Exception failure)
    {
        _starting = null;
        _lastStartFailure = failure;
    }

    internal void Ended(RunningJob job)
    {
        if (ReferenceEquals(_current, job))
        {
            _current = null;
        }
    }
}

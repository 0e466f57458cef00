using System.Globalization;

namespace ActorFlow.Topology.Runtime;

/// <summary>
/// A keyed job failed and its <see cref="Runtime.RestartStrategy"/> gave up restarting it: <see cref="RunningJob.Completion"/>
/// fails with this exception. <see cref="Exception.InnerException"/> is the last failure (of the run, or of the last
/// failover attempt); the job's state is that of its last complete checkpoint, from which it can be started again.
/// </summary>
public sealed class JobRestartsExhaustedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="job">The job.</param>
    /// <param name="strategy">The restart strategy that gave up.</param>
    /// <param name="restarts">The failovers done before giving up.</param>
    /// <param name="reason">Why the strategy gave up.</param>
    /// <param name="lastFailure">The last failure.</param>
    public JobRestartsExhaustedException(string job, RestartStrategy strategy, int restarts, string reason, Exception lastFailure)
        : base(Describe(job, strategy, restarts, reason, lastFailure), lastFailure)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        JobName = job;
        RestartStrategy = strategy;
        Restarts = restarts;
        Reason = reason;
    }

    /// <summary>The job that failed.</summary>
    public string JobName { get; }

    /// <summary>The restart strategy that gave up.</summary>
    public RestartStrategy RestartStrategy { get; }

    /// <summary>The failovers done before giving up (<see cref="RunningJob.Restarts"/>).</summary>
    public int Restarts { get; }

    /// <summary>Why the strategy gave up, e.g. <c>4 failures in a row without a checkpoint completing, and at most 3 restarts are allowed</c>.</summary>
    public string Reason { get; }

    private static string Describe(string job, RestartStrategy strategy, int restarts, string reason, Exception lastFailure) =>
        string.Create(CultureInfo.InvariantCulture,
            $"Job '{job}' failed and is not restarted again: {reason} (restart strategy {strategy}; {restarts} restarts done). Last failure: {lastFailure?.GetType().Name}: {lastFailure?.Message}");
}

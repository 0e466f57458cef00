namespace ActorFlow.Topology.Runtime;

/// <summary>How a job run as a cluster singleton (<see cref="JobRunner.StartSingletonAsync"/>) is placed and moved.</summary>
public sealed record JobSingletonOptions
{
    /// <summary>
    /// The cluster role of the nodes that may run the job's source (null: every node). The job runs on the oldest
    /// member with this role; every node still hosts key groups (a node without the role only hosts them: its handle's
    /// <see cref="JobSingleton.Current"/> stays null). Default null.
    /// </summary>
    public string? Role { get; init; }

    /// <summary>
    /// How long a node that leaves the cluster waits for the job to stop (in its shutdown's <c>before-cluster-shutdown</c>
    /// phase, before its key groups hand off and the singleton moves). Default 30 s. Keep it within that phase's timeout
    /// (<c>akka.coordinated-shutdown.phases.before-cluster-shutdown.timeout</c>, 30 s on ActorFlow nodes), or the shutdown
    /// moves on without it and the job ends with the node (the next node restores the last complete checkpoint either way).
    /// </summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest pause between two attempts of a node that took the job over and could not start it (the state store
    /// unreachable, a checkpoint its key groups cannot restore yet); the pause doubles from 1 s up to this. Default 30 s.
    /// </summary>
    public TimeSpan MaxStartRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    internal void Validate()
    {
        if (StopTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(StopTimeout), StopTimeout, "The stop timeout must be positive.");
        }

        if (MaxStartRetryDelay < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxStartRetryDelay), MaxStartRetryDelay, "The start retry delay must be at least 1 s.");
        }

        if (Role is { } role && string.IsNullOrWhiteSpace(role))
        {
            throw new ArgumentException("The role must be null (every node) or a role name.", nameof(Role));
        }
    }
}

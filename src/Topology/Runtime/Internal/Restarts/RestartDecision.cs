namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>What a restart strategy answers to a failure: restart after <see cref="Delay"/>, or give up because <see cref="GiveUpReason"/>.</summary>
internal readonly record struct RestartDecision(TimeSpan Delay, string? GiveUpReason)
{
    /// <summary>Whether the job restarts (after <see cref="Delay"/>).</summary>
    public bool Restart => GiveUpReason is null;

    public static RestartDecision After(TimeSpan delay) => new(delay, null);

    public static RestartDecision GiveUp(string reason) => new(TimeSpan.Zero, reason);
}

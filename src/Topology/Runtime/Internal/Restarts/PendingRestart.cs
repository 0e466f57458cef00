namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>INTERNAL API. A failover waiting for its restart strategy's delay: the delay and when it ends (job clock).</summary>
internal sealed record PendingRestart(TimeSpan Delay, DateTimeOffset Due);

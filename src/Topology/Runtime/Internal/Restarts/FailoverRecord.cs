namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. One failover of a job, on the job's clock: when the failure was handled, the restart strategy's
/// delay, and when the wait ended and the new run was started.
/// </summary>
internal sealed record FailoverRecord(DateTimeOffset FailedAt, TimeSpan Delay, DateTimeOffset WaitedUntil);

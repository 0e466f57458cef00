namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. The two steps of a keyed job's failover, between which <see cref="RunningJob"/> waits its restart
/// strategy's delay: <see cref="AbandonAsync"/> closes the failed run, given why it failed (its checkpoint coordinator
/// first, so that none of
/// its checkpoints completes during the wait; then its source; then every key group it knew is reset), and
/// <see cref="StartAsync"/> starts a new run from the latest complete checkpoint. Both may be called again after
/// either failed (abandoning a run twice is harmless).
/// </summary>
internal sealed record Failover(Func<JobRun, Exception, Task> AbandonAsync, Func<Task<JobRun>> StartAsync);

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. One job's failure history under a <see cref="RestartStrategy"/> (Flink's
/// <c>RestartBackoffTimeStrategy</c>): told of each failure and of each completed checkpoint, it answers whether and
/// when to restart. Thread-safe (checkpoints complete on the coordinator's thread, failures arrive on the job's).
/// </summary>
internal abstract class RestartBackoff(TimeProvider clock)
{
    private readonly object _lock = new();

    /// <summary>Records a failure now (on the job's clock) and answers whether to restart and after what delay.</summary>
    public RestartDecision OnFailure()
    {
        lock (_lock)
        {
            return Decide(clock.GetUtcNow());
        }
    }

    /// <summary>Records that a checkpoint completed: the job made progress since its last failure.</summary>
    public void OnCheckpointCompleted()
    {
        lock (_lock)
        {
            Progressed();
        }
    }

    /// <summary>Records a failure at <paramref name="now"/> and decides; called under the lock.</summary>
    protected abstract RestartDecision Decide(DateTimeOffset now);

    /// <summary>A checkpoint completed; called under the lock. Nothing by default.</summary>
    protected virtual void Progressed()
    {
    }
}

namespace ActorFlow.Topology.Runtime;

/// <summary>
/// What a job did, from its start until <see cref="RunningJob.Completion"/> completed: counts over every run of the
/// job (failovers included, so records replayed after a failover are read again and counted again).
/// </summary>
/// <param name="Job">The job's name.</param>
/// <param name="EndOfInput">True when the job ended because all its sources are bounded and delivered everything
/// (every window and timer fired, a final checkpoint published the exactly-once sinks' last epoch), or was stopped with
/// drain (<see cref="RunningJob.StopWithSavepointAsync"/>); false when it was stopped otherwise.</param>
/// <param name="RecordsRead">Records read by the job's sources (dead-lettered ones included).</param>
/// <param name="RecordsEmitted">Records that reached the job's sinks.</param>
/// <param name="DeadLetters">Records that went to the dead-letter output (decoding, timestamps, user code).</param>
/// <param name="LateRecords">Records later than the allowed lateness (late side output).</param>
/// <param name="Duration">Time from the start until the end, on the job's clock.</param>
/// <param name="Checkpoints">Checkpoints completed (the final one of a bounded job included).</param>
/// <param name="FailedCheckpoints">Checkpoints aborted.</param>
/// <param name="Restarts">Failovers.</param>
public sealed record JobSummary(
    string Job,
    bool EndOfInput,
    long RecordsRead,
    long RecordsEmitted,
    long DeadLetters,
    long LateRecords,
    TimeSpan Duration,
    long Checkpoints,
    long FailedCheckpoints,
    int Restarts);

namespace ActorFlow.Hosting;

/// <summary>How a job run by the host stops when the host stops (<see cref="ActorFlowJobOptions.StopMode"/>).</summary>
public enum JobStopMode
{
    /// <summary>
    /// <c>RunningJob.StopAsync</c>: the batches in flight reach the sinks and the job stops; the next start resumes from
    /// its last complete checkpoint (as after a crash: what came after it is read again, exactly once in the
    /// exactly-once sinks).
    /// </summary>
    Stop,

    /// <summary>
    /// <c>RunningJob.StopWithSavepointAsync</c> (Flink's stop-with-savepoint): a final checkpoint stored as a savepoint
    /// named by <see cref="ActorFlowJobOptions.SavepointName"/>, its output published, nothing processed after it. When
    /// the savepoint cannot be taken (the job is failing over, the checkpoint fails or times out) the job stops as with
    /// <see cref="Stop"/>, and the failure is logged.
    /// </summary>
    Savepoint,

    /// <summary>
    /// As <see cref="Savepoint"/> with drain (Flink's <c>stop --drain</c>): the input ends first, every event-time window
    /// and timer fires and reaches the sinks. For a job that will not be resumed.
    /// </summary>
    SavepointAndDrain,
}

namespace ActorFlow.Topology.Runtime;

/// <summary>How a job runs its input, as Flink's <c>RuntimeExecutionMode</c>.</summary>
public enum ExecutionMode
{
    /// <summary>Records are processed as they arrive, with periodic checkpoints. Works for every source. The default.</summary>
    Streaming = 0,

    /// <summary>
    /// For jobs whose sources are all bounded: the input is read whole, grouped by key group, and each key group's
    /// records are processed in one go, followed by the end-of-input watermark; no periodic checkpoints. Results equal
    /// <see cref="Streaming"/>'s for event-time logic. A job with an unbounded source is refused at start.
    /// </summary>
    Batch = 1,
}

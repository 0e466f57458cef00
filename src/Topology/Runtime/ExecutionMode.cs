namespace ActorFlow.Topology.Runtime;

/// <summary>How a job runs its input, as Flink's <c>RuntimeExecutionMode</c>.</summary>
public enum ExecutionMode
{
    /// <summary>Records are processed as they arrive, with periodic checkpoints. Works for every source. The default.</summary>
    Streaming = 0,

    /// <summary>
    /// For jobs whose sources are all bounded: event time stands still until the end of the input, so nothing is late,
    /// and every window and event-time timer fires once, at the end-of-input watermark, and then every processing-time
    /// timer still pending (as in Flink's batch mode); no periodic checkpoints (only
    /// the final one). Results equal <see cref="Streaming"/>'s for event-time logic when the streaming run has no late
    /// records. A job with an unbounded source is refused at start.
    /// </summary>
    Batch = 1,
}

namespace ActorFlow.Topology.Connectors;

/// <summary>
/// Whether a source's input ends, as Flink's <c>Boundedness</c>: a job whose sources are all
/// <see cref="Bounded"/> ends by itself once they have delivered everything.
/// </summary>
public enum Boundedness
{
    /// <summary>
    /// The input never ends (a Kafka topic being written). A partition sub-source that completes was revoked or the
    /// source was stopped; the job runs until it is stopped. The default.
    /// </summary>
    ContinuousUnbounded = 0,

    /// <summary>
    /// The input is finite (files, a Kafka topic up to the offsets seen at start). Completing the partition set
    /// (the source of partitions) and then every partition sub-source means: all input delivered. The runtime then
    /// moves the source's watermark to <c>Watermark.EndOfInput</c> (<see cref="long.MaxValue"/>), so every window and
    /// timer fires, and ends the job when all its sources ended.
    /// </summary>
    Bounded = 1,
}

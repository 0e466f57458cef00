using ActorFlow.Operators;
using Akka;
using Akka.Streams.Dsl;

namespace ActorFlow.Topology.Connectors;

/// <summary>
/// INTERNAL API. A sink connector that also takes a job's records a batch at a time: the runtime hands it, as one
/// element, the records of one job batch addressed to it, in order (never an empty list), instead of one element per
/// record through <see cref="ISinkConnector{T}.Sink"/>. The contract is otherwise <see cref="ISinkConnector{T}.Sink"/>'s:
/// the records are written in the order received, and the task completes once everything received is written, or
/// fails (failing the job). Each record comes with its event timestamp (<see cref="Timestamps.NoTimestamp"/> when it
/// has none), as Flink's <c>SinkWriter.Context.timestamp()</c>: a window's result carries the window's last
/// millisecond, a record the timestamp of the record it came from.
/// </summary>
internal interface IBatchSinkConnector<T> : ISinkConnector<T>
{
    /// <summary>The sink over batches of records with their event timestamps.</summary>
    Sink<IReadOnlyList<TimestampedValue<T>>, Task<Done>> BatchSink();
}

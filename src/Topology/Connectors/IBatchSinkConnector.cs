using ActorFlow.Operators;
using Akka;
using Akka.Streams.Dsl;

namespace ActorFlow.Topology.Connectors;

/// <summary>
/// A sink connector that takes a job's records a batch at a time, each with its event timestamp (as Flink's
/// <c>SinkWriter.Context.timestamp()</c>): the runtime hands it, as one element, the records of one job batch
/// addressed to it, in order (never an empty list), instead of one element per record through
/// <see cref="ISinkConnector{T}.Sink"/>. A record's timestamp is <see cref="Timestamps.NoTimestamp"/> when it has
/// none; a window's result carries the window's last millisecond, a record the timestamp of the record it came from.
/// The contract is otherwise <see cref="ISinkConnector{T}.Sink"/>'s: the records are written in the order received,
/// and the task completes once everything received is written, or fails (failing the job). The Kafka sinks implement
/// it (a record's timestamp becomes its Kafka timestamp); a decorator of one implements it too, to keep the timestamps.
/// </summary>
/// <typeparam name="T">The record type.</typeparam>
public interface IBatchSinkConnector<T> : ISinkConnector<T>
{
    /// <summary>The sink over batches of records with their event timestamps.</summary>
    /// <returns>The sink; its task completes when everything received is written.</returns>
    Sink<IReadOnlyList<TimestampedValue<T>>, Task<Done>> BatchSink();
}

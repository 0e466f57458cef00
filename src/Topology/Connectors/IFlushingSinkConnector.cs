namespace ActorFlow.Topology.Connectors;

/// <summary>
/// A batch sink that can make durable every record it has taken (Flink's <c>SinkWriter.flush</c>, which the runtime calls
/// before a checkpoint's barrier): in a job that takes checkpoints, the runtime calls <see cref="FlushAsync"/> when a
/// checkpoint's barrier reaches the sink, after the sink's stage has taken every record emitted before the barrier, and
/// the checkpoint completes only once the flush has. So a record a completed checkpoint covers is at its destination,
/// and a failure after the checkpoint loses nothing (at least once: what came after the checkpoint is written again
/// after recovery). The Kafka sinks implement it.
/// </summary>
/// <typeparam name="T">The record type.</typeparam>
public interface IFlushingSinkConnector<T> : IBatchSinkConnector<T>
{
    /// <summary>
    /// Completes when every record the sink's current materialization (the run's sink) has taken so far is durable at
    /// the destination; fails if one of them could not be written (the checkpoint then fails).
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes once the records are durable.</returns>
    Task FlushAsync(CancellationToken cancellationToken);
}

namespace ActorFlow.Topology.Connectors;

/// <summary>Stops a running source: <see cref="StopAsync"/> drains, <see cref="ShutdownAsync"/> releases its resources.</summary>
public interface ISourceControl
{
    /// <summary>Stops reading; the partitions complete after what they already emitted.</summary>
    Task StopAsync();

    /// <summary>Stops and releases the source's client.</summary>
    Task ShutdownAsync();

    /// <summary>
    /// Records progress outside the job (e.g. the Kafka consumer group) after a checkpoint completed: the next
    /// offset to read per partition. The checkpoint record, not this, is the source of truth for recovery.
    /// </summary>
    Task CommitAsync(IReadOnlyDictionary<string, long> nextOffsets);
}

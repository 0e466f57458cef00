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

    /// <summary>
    /// Completes once the source has reached the system it reads (for Kafka: a broker of <c>bootstrap.servers</c>
    /// answered); fails, with a message naming the setting, its value and the cause, when it cannot within the
    /// source's own connection timeout. The runtime waits for it before a job (or a failover) counts as started, so
    /// bad connection settings fail the start. The default is a completed task.
    /// </summary>
    Task Ready => Task.CompletedTask;
}

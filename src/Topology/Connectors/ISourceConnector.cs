using Akka;
using Akka.Streams.Dsl;

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

/// <summary>
/// A source of records split into partitions (Kafka partitions, files, ...). Each partition is a sub-stream with
/// its own watermark; the runtime merges them and combines their watermarks as the minimum over active partitions.
/// A partition's sub-stream emits chunks: consecutive records of that partition, in offset order (for Kafka, what
/// one poll returned). The runtime processes a chunk at a time, so emit what is available rather than one record.
/// </summary>
public interface ISourceConnector<T>
{
    /// <summary>
    /// Emits one sub-source of record chunks per partition as partitions are assigned. A partition named in
    /// <paramref name="startOffsets"/> (by the same id its sub-source carries) starts at that offset, the next record
    /// to read after the checkpoint being restored; others start where the source would start anyway.
    /// </summary>
    Source<(string Partition, Source<IReadOnlyList<SourceRecord<T>>, NotUsed> Records), ISourceControl> Partitions(IReadOnlyDictionary<string, long> startOffsets);
}

/// <summary>A destination of records. The sink's task completes when everything it received is written.</summary>
public interface ISinkConnector<T>
{
    /// <summary>The sink; a failure fails the job.</summary>
    Sink<T, Task<Done>> Sink();
}

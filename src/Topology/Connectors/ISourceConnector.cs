using Akka;
using Akka.Streams.Dsl;

namespace ActorFlow.Topology.Connectors;

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

using Akka;
using Akka.Streams.Dsl;

namespace ActorFlow.Topology.Connectors;

/// <summary>
/// A source of records split into partitions (Kafka partitions, files, ...). Each partition is a sub-stream with
/// its own watermark; the runtime merges them and combines their watermarks as the minimum over active partitions.
/// A partition's sub-stream emits chunks: consecutive records of that partition, in offset order (for Kafka, what
/// one poll returned). The runtime processes a chunk at a time, so emit what is available rather than one record.
/// </summary>
/// <remarks>
/// <para>
/// <b>Bounded sources.</b> A source whose <see cref="Boundedness"/> is <see cref="Connectors.Boundedness.Bounded"/>
/// promises: (1) the partition set completes: the source of <see cref="Partitions"/> emits every partition it will
/// read, then completes; (2) each partition sub-source completes once that partition's input is exhausted ("partition
/// completed": its watermark becomes <c>Watermark.EndOfInput</c> and it no longer holds back the source's combined
/// watermark). When the partition set and every sub-source have completed, the source's input has ended. A partition
/// with nothing to read is a sub-source that completes at once (or is not emitted at all).
/// </para>
/// <para>
/// The end must not move on restore: <see cref="Partitions"/> called again with a checkpoint's offsets (a failover
/// or a restart) reads from those offsets up to the same end (a Kafka source fixes its end offsets when the connector
/// first resolves them). <see cref="ISourceControl.StopAsync"/> still stops a bounded source early: the completions
/// that follow are a stop, not the end of input (no end-of-input watermark, no final checkpoint).
/// </para>
/// </remarks>
public interface ISourceConnector<T>
{
    /// <summary>
    /// Emits one sub-source of record chunks per partition as partitions are assigned. A partition named in
    /// <paramref name="startOffsets"/> (by the same id its sub-source carries) starts at that offset, the next record
    /// to read after the checkpoint being restored; others start where the source would start anyway.
    /// </summary>
    Source<(string Partition, Source<IReadOnlyList<SourceRecord<T>>, NotUsed> Records), ISourceControl> Partitions(IReadOnlyDictionary<string, long> startOffsets);

    /// <summary>
    /// Whether the source's input ends (see the remarks). Default <see cref="Connectors.Boundedness.ContinuousUnbounded"/>.
    /// </summary>
    Boundedness Boundedness => Boundedness.ContinuousUnbounded;

    /// <summary>
    /// Whether this source's partitions can wait to be read: a partition's sub-source does nothing until the runtime
    /// runs it, and can be run after others have ended (the row groups of files). In batch mode the runtime then reads
    /// at most <c>JobRunnerOptions.BatchSourceParallelism</c> of them at once, one after another, so the source holds
    /// only what those partitions read (batch mode needs no watermark alignment between partitions); streaming mode
    /// runs every partition at once (up to 1,024; more start as others end, and their records can then be late), so
    /// that the combined watermark covers all of them. Default false: the
    /// partitions of one Kafka consumer are fetched together and cannot wait.
    /// </summary>
    bool PartitionsCanWait => false;

    /// <summary>
    /// The partitions of <paramref name="startOffsets"/> (a restored checkpoint's) that this source reads. Each holds the
    /// source's combined watermark from the start of the run, as an assigned partition without records does, until its
    /// first record (or until it goes idle, with <c>WithIdleness</c>), also before it is assigned: a consumer group may give a
    /// restarted job its partitions one at a time (a crashed member's only after its session timeout), and the partitions
    /// assigned first must not move event time past the records the others have not delivered yet (Flink's source owns
    /// every restored split from the start). Default: none (each partition holds from its assignment on).
    /// </summary>
    /// <param name="startOffsets">The offsets the run starts from, by partition id, of every source of the job.</param>
    /// <returns>This source's partitions among them.</returns>
    IEnumerable<string> RestoredPartitions(IReadOnlyDictionary<string, long> startOffsets) => [];
}

namespace ActorFlow.Topology.Connectors;

/// <summary>
/// A sink that can refuse a record it cannot write, e.g. a value that does not fit its file schema. The runtime asks
/// it about every record on its way to the sink, in the step that hands records to the sink, where the record's source
/// position and bytes are still known. A refused record never reaches the sink: it goes to the job's dead-letter
/// output (<c>StreamJobBuilder.WithDeadLetters</c>) the way a record a <c>Where</c> or <c>Select</c> throws on does:
/// with the reason, <see cref="Name"/> as its stage (<see cref="DeadLetterRecord.Operator"/>), and the source
/// partition, offset and raw key and value bytes (a record a keyed operator emitted has no single source record:
/// origin empty, offset -1, no bytes). It is counted as a dead letter, it keeps its place before the next
/// checkpoint's barrier, the other records go on and the job does not fail.
/// </summary>
public interface IRefusingSink<T> : ISinkConnector<T>
{
    /// <summary>Names the sink in the dead letters of the records it refuses (<see cref="DeadLetterRecord.Operator"/>).</summary>
    string Name { get; }

    /// <summary>
    /// Null when the sink can write <paramref name="record"/>, else why not. Called for every record before the sink
    /// receives it, on the job's stream and not on the sink's writer (records of several sources may be asked about
    /// at once): it must be thread-safe and decide from the record alone, so that the sink can then write every record
    /// it let through. An exception it throws refuses the record too, with the exception as the reason.
    /// </summary>
    string? Refuse(T record);
}

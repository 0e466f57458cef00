namespace ActorFlow.Topology.Connectors;

/// <summary>
/// An exception of a source's decoder that says whether the record itself is at fault. A record whose decoding failed
/// becomes a dead letter, and the job goes on past it; but when the failure lies outside the record
/// (<see cref="IsRecordFault"/> false: a schema registry that could not be reached, or refused the job's credentials)
/// the record is fine and would be lost to the output, so the source fails instead: the job fails over under its
/// restart strategy and reads the record again from its last checkpoint, as Flink's Confluent deserializer fails the
/// job. An exception without this interface counts as the record's fault.
/// </summary>
public interface IDecodingFailure
{
    /// <summary>Gets a value indicating whether the record's bytes are at fault (a dead letter), not the decoder's surroundings (a failover).</summary>
    bool IsRecordFault { get; }
}

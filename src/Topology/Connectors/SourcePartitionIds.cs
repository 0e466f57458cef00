using System.Globalization;
using PersistedOffset = ActorFlow.Persistence.Checkpoints.TopicPartitionOffset;

namespace ActorFlow.Topology.Connectors;

/// <summary>
/// The one mapping between a source partition id (<c>topic/partition</c>, as connectors name their partitions'
/// sub-sources) and the offsets stored in a checkpoint record.
/// </summary>
public static class SourcePartitionIds
{
    /// <summary>The id of partition <paramref name="partition"/> of <paramref name="topic"/>: <c>topic/partition</c>.</summary>
    public static string Format(string topic, int partition) =>
        string.Create(CultureInfo.InvariantCulture, $"{topic}/{partition}");

    /// <summary>Splits an id made by <see cref="Format"/>; an id without a partition number is partition 0.</summary>
    public static (string Topic, int Partition) Parse(string partitionId)
    {
        ArgumentNullException.ThrowIfNull(partitionId);
        var slash = partitionId.LastIndexOf('/');
        return slash > 0 && int.TryParse(partitionId[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var partition)
            ? (partitionId[..slash], partition)
            : (partitionId, 0);
    }

    /// <summary>Stored offsets as next offset per source partition id.</summary>
    internal static Dictionary<string, long> ToNextOffsets(IEnumerable<PersistedOffset> offsets) =>
        offsets.ToDictionary(o => Format(o.Topic, o.Partition), o => o.Offset, StringComparer.Ordinal);

    /// <summary>A source partition id and its next offset as a stored offset.</summary>
    internal static PersistedOffset ToStored(string partitionId, long next)
    {
        var (topic, partition) = Parse(partitionId);
        return new PersistedOffset(topic, partition, next);
    }
}

/// <summary>
/// INTERNAL API. A restored checkpoint's next offsets as the runtime hands them to a job's sources, with whether the
/// checkpoint names every partition the job had been assigned (<see cref="ActorFlow.Persistence.Checkpoints.CheckpointRecord.NamesAssignedPartitions"/>):
/// only then is a partition it does not name new to the job.
/// </summary>
internal sealed class RestoredOffsets(Dictionary<string, long> offsets, bool namesAssignedPartitions) : Dictionary<string, long>(offsets, StringComparer.Ordinal)
{
    public bool NamesAssignedPartitions { get; } = namesAssignedPartitions;
}

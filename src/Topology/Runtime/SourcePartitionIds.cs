using System.Globalization;
using PersistedOffset = ActorFlow.Persistence.Checkpoints.TopicPartitionOffset;

namespace ActorFlow.Topology.Runtime;

/// <summary>
/// INTERNAL API. The one mapping between a source partition id (<c>topic/partition</c>, as the sub-sources name
/// themselves) and the offsets stored in a checkpoint record.
/// </summary>
internal static class SourcePartitionIds
{
    /// <summary>Stored offsets as next offset per source partition id.</summary>
    public static Dictionary<string, long> ToNextOffsets(IEnumerable<PersistedOffset> offsets) =>
        offsets.ToDictionary(o => $"{o.Topic}/{o.Partition}", o => o.Offset, StringComparer.Ordinal);

    /// <summary>A source partition id and its next offset as a stored offset (an id without a partition is partition 0).</summary>
    public static PersistedOffset ToStored(string partitionId, long next)
    {
        var slash = partitionId.LastIndexOf('/');
        return slash > 0 && int.TryParse(partitionId[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var partition)
            ? new PersistedOffset(partitionId[..slash], partition, next)
            : new PersistedOffset(partitionId, 0, next);
    }
}

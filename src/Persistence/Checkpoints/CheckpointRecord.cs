using System.Collections.Immutable;
using ActorFlow.Persistence.Snapshots;

namespace ActorFlow.Persistence.Checkpoints;

/// <summary>
/// A complete checkpoint: the consistent point a job restores from. It is written only once every key group and
/// sink acknowledged the checkpoint; the offsets here are the source of truth for where sources resume.
/// </summary>
/// <param name="JobId">The job this checkpoint belongs to.</param>
/// <param name="CheckpointId">The checkpoint id, increasing per job.</param>
/// <param name="TimestampMs">When the checkpoint completed, in milliseconds since the Unix epoch.</param>
/// <param name="Offsets">The next offset to read per topic-partition.</param>
/// <param name="SinkTransactionIds">Per sink (by name), the transactional id it pre-committed for this checkpoint.</param>
/// <param name="KeyGroups">Per key group that has state: its snapshot sequence number and state size.</param>
/// <param name="IsSavepoint">Whether this is a user-triggered savepoint (never pruned).</param>
/// <param name="SavepointName">The savepoint's name, unique per job; <c>null</c> for a checkpoint.</param>
/// <param name="StateCheckpointId">
/// The checkpoint whose key-group snapshots this record restores, when not its own: a job started from a savepoint
/// records the savepoint's state and offsets under a new id; <c>null</c> means <paramref name="CheckpointId"/>.
/// </param>
/// <param name="Watermark">
/// The job's watermark (epoch ms) when the checkpoint's barrier went out: every key group's watermark in the
/// snapshot is at most this. A run restored from the checkpoint starts its watermark here, so the records it replays
/// are judged late or on time against at least it in every key group. <see cref="long.MinValue"/> when unknown
/// (records written before the field existed, stateless jobs).
/// </param>
public sealed record CheckpointRecord(
    string JobId,
    long CheckpointId,
    long TimestampMs,
    ImmutableArray<TopicPartitionOffset> Offsets,
    ImmutableDictionary<string, string> SinkTransactionIds,
    ImmutableArray<KeyGroupSnapshotInfo> KeyGroups,
    bool IsSavepoint = false,
    string? SavepointName = null,
    long? StateCheckpointId = null,
    long Watermark = long.MinValue)
{
    /// <summary>
    /// How long the checkpoint took, in milliseconds: from its barrier leaving the sources until every key group (and
    /// the write-ahead sink) acknowledged it, as Flink's end-to-end duration; <c>null</c> when unknown (records written
    /// before the field existed, the first record of a job started from a savepoint).
    /// </summary>
    public long? DurationMs { get; init; }

    /// <summary>
    /// Whether the record names every source partition the job had been assigned when it was taken (from the
    /// partition's assignment on, at the offset it started from), so that a partition it does not name is new to the job.
    /// <c>false</c> for records of builds that left out a partition which had delivered nothing yet in its run (format
    /// versions 1 to 4): such a partition's records may be in the restored state all the same.
    /// </summary>
    public bool NamesAssignedPartitions { get; init; }

    /// <summary>The total state size over all key groups, in bytes.</summary>
    public long TotalStateSizeBytes => KeyGroups.IsDefault ? 0 : KeyGroups.Sum(k => k.StateSizeBytes);

    /// <summary>INTERNAL API.
    /// The snapshot a key group restores from for this checkpoint, or <c>null</c> when the key group had no state
    /// (it then starts empty and ignores any snapshot it may have, which belongs to a later, incomplete checkpoint).
    /// </summary>
    /// <param name="keyGroup">The key group.</param>
    /// <returns>The restore point, or <c>null</c>.</returns>
    internal SnapshotRestorePoint? RestorePointFor(int keyGroup)
    {
        if (KeyGroups.IsDefault)
        {
            return null;
        }

        foreach (var info in KeyGroups)
        {
            if (info.KeyGroup == keyGroup)
            {
                return new SnapshotRestorePoint(StateCheckpointId ?? CheckpointId, info.SnapshotSequenceNr);
            }
        }

        return null;
    }
}

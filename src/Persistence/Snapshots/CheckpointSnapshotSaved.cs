using ActorFlow.Persistence.Checkpoints;

namespace ActorFlow.Persistence.Snapshots;

/// <summary>INTERNAL API. A key group's snapshot for a checkpoint is durable (Akka reported <c>SaveSnapshotSuccess</c>).</summary>
/// <param name="CheckpointId">The checkpoint.</param>
/// <param name="Info">What goes into the checkpoint record for this key group.</param>
internal sealed record CheckpointSnapshotSaved(long CheckpointId, KeyGroupSnapshotInfo Info);

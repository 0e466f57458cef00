namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>INTERNAL API. A message for one key-group entity of one job.</summary>
internal interface IKeyGroupMessage
{
    int KeyGroup { get; }
}

/// <summary>
/// INTERNAL API. Records of one key group plus the sender's current watermark. <see cref="Sequence"/> grows per
/// (source, key group) from 1: a batch retried after a lost reply is applied once and answered with the stored reply.
/// An empty <see cref="Records"/> is a watermark-only message, so key groups without data still see time move.
/// <see cref="BaseSnapshot"/> is the snapshot sequence number the key group had when this run of the job started
/// (-1: no state; <see cref="BaseNotChecked"/>: a sender that does not say): a key group that meets a source for
/// the first time applies its first batch only from that same state, otherwise it answers
/// <see cref="KeyGroupStateLost"/>.
/// </summary>
internal sealed record KeyGroupBatch(string JobName, int KeyGroup, string SourceId, long Sequence, IReadOnlyList<Routed> Records, long Watermark, long BaseSnapshot = KeyGroupBatch.BaseNotChecked)
    : IKeyGroupMessage
{
    /// <summary>The sender does not say which state it expects (an older node).</summary>
    public const long BaseNotChecked = long.MinValue;
}

/// <summary>
/// INTERNAL API. A key group cannot apply a batch: its state is not the one the batch follows (it restarted, or its
/// node was lost and it restored a checkpoint, after earlier batches of the same run). The job fails over: it
/// restores every key group and every source from the last complete checkpoint.
/// </summary>
internal sealed record KeyGroupStateLost(string JobName, int KeyGroup, long Sequence, string Reason);

/// <summary>
/// INTERNAL API. Failover: the key group drops its in-memory state (answering <see cref="KeyGroupReset"/> first);
/// its next incarnation restores the last complete checkpoint.
/// </summary>
internal sealed record ResetKeyGroup(string JobName, int KeyGroup) : IKeyGroupMessage;

/// <summary>INTERNAL API. The answer to <see cref="ResetKeyGroup"/>: the key group is passivating.</summary>
internal sealed record KeyGroupReset(string JobName, int KeyGroup);

/// <summary>INTERNAL API. What an operator emitted while handling a batch (or since the last batch, for timers).</summary>
internal sealed record KeyGroupReply(string JobName, int KeyGroup, long Sequence, IReadOnlyList<Emitted> Emitted);

/// <summary>INTERNAL API. Where an emitted record goes.</summary>
internal enum EmittedKind
{
    Main,
    Side,
    Dead,

    /// <summary>The barrier of a checkpoint (value = checkpoint id) in the output stream; sinks see it in order.</summary>
    Barrier,

    /// <summary>
    /// A record on its way to a keyed stage of a later hop (value = its <see cref="Routed"/>, <see cref="Emitted.Output"/> = the stage input).
    /// </summary>
    Forward,

    /// <summary>A record for the sink <see cref="Emitted.Output"/>.</summary>
    Sink,

    /// <summary>
    /// The watermark of the hop before (in <see cref="Emitted.Timestamp"/>) behind the records before it; tag
    /// <see cref="Emitted.TickTag"/> when it came with a periodic tick (every key group of the next hop then sees it).
    /// </summary>
    Watermark,
}

/// <summary>
/// INTERNAL API. One element of a job's output stream between hops: what an operator emitted (main output or a side
/// output by tag id, <see cref="Output"/> = the stream it feeds), a dead letter, a record routed to a later hop or to
/// a sink, or a marker (barrier, watermark). <see cref="Output"/> is -1 where it says nothing.
/// </summary>
internal readonly record struct Emitted(EmittedKind Kind, string? Tag, object? Value, long Timestamp, int Output = -1)
{
    /// <summary>The tag of a watermark marker that came with a periodic tick.</summary>
    public const string TickTag = "tick";
}

/// <summary>
/// INTERNAL API. Barrier of checkpoint <see cref="CheckpointId"/>: sent to a key group behind every batch that
/// precedes the checkpoint, so the snapshot holds exactly the effect of the records before it (the dispatcher is
/// the only upstream of every key group, so the barrier is aligned by message order).
/// </summary>
internal sealed record TriggerCheckpoint(string JobName, int KeyGroup, long CheckpointId) : IKeyGroupMessage;

/// <summary>INTERNAL API. A key group's answer to a barrier: its snapshot is durable (or it failed, with the reason).</summary>
internal sealed record KeyGroupCheckpointed(string JobName, int KeyGroup, long CheckpointId, long SnapshotSequenceNr, long StateSizeBytes, string? Error);

/// <summary>
/// INTERNAL API. Checkpoints older than the oldest one still kept are gone: the key group may delete its snapshots
/// below <see cref="BeforeSequenceNr"/> (and journal markers of earlier versions). Fire and forget.
/// </summary>
internal sealed record PruneSnapshots(string JobName, int KeyGroup, long BeforeSequenceNr) : IKeyGroupMessage;

/// <summary>
/// INTERNAL API. Asked of every key group of a job starting from a checkpoint: the entity answers
/// <see cref="KeyGroupRestored"/> once it has restored its snapshot (a persistent actor handles commands only after
/// its recovery), on whichever node it runs. One that cannot restore stops without answering (and reports the error
/// on its own node).
/// </summary>
internal sealed record AwaitRestore(string JobName, int KeyGroup) : IKeyGroupMessage;

/// <summary>INTERNAL API. The answer to <see cref="AwaitRestore"/>: the key group restored its snapshot.</summary>
internal sealed record KeyGroupRestored(string JobName, int KeyGroup);

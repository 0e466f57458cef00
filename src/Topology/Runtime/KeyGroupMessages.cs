namespace ActorFlow.Topology.Runtime;

/// <summary>INTERNAL API. A message for one key-group entity of one job.</summary>
internal interface IKeyGroupMessage
{
    int KeyGroup { get; }
}

/// <summary>
/// INTERNAL API. Records of one key group plus the sender's current watermark. <see cref="Sequence"/> grows per
/// (source, key group): a batch retried after a lost reply is applied once and answered with the stored reply.
/// An empty <see cref="Records"/> is a watermark-only message, so key groups without data still see time move.
/// </summary>
internal sealed record KeyGroupBatch(string JobName, int KeyGroup, string SourceId, long Sequence, IReadOnlyList<Routed> Records, long Watermark) : IKeyGroupMessage;

/// <summary>INTERNAL API. What an operator emitted while handling a batch (or since the last batch, for timers).</summary>
internal sealed record KeyGroupReply(string JobName, int KeyGroup, long Sequence, IReadOnlyList<Emitted> Emitted);

/// <summary>INTERNAL API. Where an emitted record goes.</summary>
internal enum EmittedKind
{
    Main,
    Side,
    Dead,
}

/// <summary>INTERNAL API. One record emitted by an operator: main output, a side output (by tag id), or a dead letter.</summary>
internal readonly record struct Emitted(EmittedKind Kind, string? Tag, object? Value, long Timestamp);

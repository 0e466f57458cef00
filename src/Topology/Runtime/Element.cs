using ActorFlow.Topology.Connectors;

namespace ActorFlow.Topology.Runtime;

/// <summary>INTERNAL API. What flows from the sources to the key-by.</summary>
internal enum ElementKind
{
    /// <summary>A record.</summary>
    Record,

    /// <summary>A periodic tick: watermark only.</summary>
    Watermark,

    /// <summary>A record that failed; it goes to the dead-letter output.</summary>
    Dead,

    /// <summary>A record a stateless step dropped; it only moves its partition's offset.</summary>
    Skip,
}

/// <summary>
/// INTERNAL API. One element of the source side. <see cref="Watermark"/> is the source's combined watermark
/// (minimum over its active partitions) when the element was emitted; <see cref="Origin"/> and
/// <see cref="Offset"/> say which source position it consumed (null for ticks), so checkpoints know the offsets.
/// </summary>
internal readonly record struct Element<T>(ElementKind Kind, T Value, long Timestamp, long Watermark, DeadLetter? Dead, string? Origin = null, long Offset = -1)
{
    public static Element<T> Tick(long watermark) => new(ElementKind.Watermark, default!, 0, watermark, null);

    public Element<TOut> With<TOut>(TOut value) => new(ElementKind.Record, value, Timestamp, Watermark, null, Origin, Offset);

    public Element<TOut> Retype<TOut>() => new(Kind, default!, Timestamp, Watermark, Dead, Origin, Offset);

    public Element<TOut> Skipped<TOut>() => new(ElementKind.Skip, default!, Timestamp, Watermark, null, Origin, Offset);

    public Element<TOut> Failed<TOut>(string stage, Exception error) =>
        new(ElementKind.Dead, default!, Timestamp, Watermark,
            new DeadLetter($"{error.GetType().Name}: {error.Message}", Origin ?? "", Offset, null, null, stage), Origin, Offset);
}

/// <summary>INTERNAL API. A keyed record on its way to its key group; key group -1 = no key group (stateless job).</summary>
internal readonly record struct Routed(int KeyGroup, object Key, object? Value, long Timestamp);

/// <summary>INTERNAL API. What the dispatcher receives: a routed record or a tick/dead/skip, with its source position.</summary>
internal readonly record struct Dispatchable(ElementKind Kind, Routed Record, long Watermark, DeadLetter? Dead, string? Origin, long Offset);

using ActorFlow.Topology.Connectors;

namespace ActorFlow.Topology.Runtime;

/// <summary>INTERNAL API. What flows from the sources to the key-by: a record, a watermark-only tick, or a dead letter.</summary>
internal enum ElementKind
{
    Record,
    Watermark,
    Dead,
}

/// <summary>
/// INTERNAL API. One element of the source side. <see cref="Watermark"/> is the source's combined watermark
/// (minimum over its active partitions) at the time the element was emitted.
/// </summary>
internal readonly record struct Element<T>(ElementKind Kind, T Value, long Timestamp, long Watermark, DeadLetter? Dead)
{
    public static Element<T> Tick(long watermark) => new(ElementKind.Watermark, default!, 0, watermark, null);

    public Element<TOut> With<TOut>(TOut value) => new(ElementKind.Record, value, Timestamp, Watermark, null);

    public Element<TOut> Retype<TOut>() => new(Kind, default!, Timestamp, Watermark, Dead);

    public Element<TOut> Failed<TOut>(string stage, Exception error) =>
        new(ElementKind.Dead, default!, Timestamp, Watermark, new DeadLetter($"{error.GetType().Name}: {error.Message}", "", -1, null, null, stage));
}

/// <summary>INTERNAL API. A keyed record on its way to its key group.</summary>
internal readonly record struct Routed(int KeyGroup, object Key, object? Value, long Timestamp);

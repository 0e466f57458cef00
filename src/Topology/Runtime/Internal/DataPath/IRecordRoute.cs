namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. What a source's only consumer does with each record (a key-by into a stage input, or a sink that
/// refuses nothing), applied as the source's chunk is stamped (<see cref="WatermarkAssigner{T}"/>) instead of over a
/// chunk of the bare records made first. <see cref="Route"/> may throw: the record becomes a dead letter of
/// <see cref="Step"/>.
/// </summary>
internal interface IRecordRoute<in T, out TOut>
{
    /// <summary>The step a failure is reported for.</summary>
    string Step { get; }

    TOut Route(T value);
}

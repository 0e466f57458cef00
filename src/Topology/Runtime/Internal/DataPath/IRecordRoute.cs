namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. What a source's only consumer does with each record (a key-by into a stage input, or a sink that
/// refuses nothing), applied as the source's chunk is stamped (<see cref="WatermarkAssigner{T}"/>) instead of over a
/// chunk of the bare records made first. <see cref="Route"/> may throw: the record becomes a dead letter of
/// <see cref="Step"/> (or of the step a <see cref="RouteStepException"/> names).
/// </summary>
internal interface IRecordRoute<in T, TOut>
{
    /// <summary>The step a failure is reported for.</summary>
    string Step { get; }

    TOut Route(T value);

    /// <summary>
    /// Routes a record with its event timestamp: false when the route folded it into a record of the same chunk that it
    /// routed before (a batch run's pre-aggregation), so nothing goes on in its place.
    /// </summary>
    bool TryRoute(T value, long timestamp, out TOut routed)
    {
        routed = Route(value);
        return true;
    }

    /// <summary>A chunk of one source partition starts: no record of it is folded into a record routed before.</summary>
    void BeginChunk()
    {
    }
}

/// <summary>INTERNAL API. A route's failure on a record that names the step it happened in and the dead letter's reason.</summary>
internal sealed class RouteStepException(string step, string reason, Exception inner) : Exception(reason, inner)
{
    public string Step => step;
}

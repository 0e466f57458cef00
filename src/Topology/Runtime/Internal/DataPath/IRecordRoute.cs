namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. What a source's only consumer does with each record (a key-by into a stage input, or a sink that
/// refuses nothing, with the <c>Where</c> and <c>Select</c> steps in front of it), applied as the source's chunk is
/// stamped (<see cref="WatermarkAssigner{T}"/>) instead of over a chunk of the bare records made first.
/// <see cref="TryRoute"/> may throw: the record becomes a dead letter of <see cref="Step"/> (or of the step a
/// <see cref="RouteStepException"/> names).
/// </summary>
internal interface IRecordRoute<in T, TOut>
{
    /// <summary>The step a failure is reported for.</summary>
    string Step { get; }

    /// <summary>
    /// Routes a record with its event timestamp: false when nothing goes on in its place, because a <c>Where</c> in the
    /// route dropped it or the route folded it into a record of the same chunk that it routed before (a batch run's
    /// pre-aggregation). Such a record was read all the same.
    /// </summary>
    bool TryRoute(T value, long timestamp, out TOut routed);

    /// <summary>A chunk of one source partition starts: no record of it is folded into a record routed before.</summary>
    void BeginChunk()
    {
    }
}

/// <summary>INTERNAL API. A route's failure on a record that names the step it happened in and the dead letter's reason.</summary>
internal sealed class RouteStepException(string step, string reason, Exception inner) : Exception(reason, inner)
{
    public string Step => step;

    /// <summary>The failure of <paramref name="step"/>'s user function, with the reason a step over a chunk gives it (<see cref="Chunk{T}.Failed"/>).</summary>
    public static RouteStepException Of(string step, Exception error) => new(step, $"{error.GetType().Name}: {error.Message}", error);
}

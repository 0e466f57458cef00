namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. One input of a key group's operator: a batch (records, the watermark they arrived under, the
/// processing time) or the firing of the processing-time timers due when a batch arrived (<see cref="Records"/> null). Applying the same inputs in the same
/// order to an operator that replays deterministically reaches the same state (what a local restart relies on).
/// <see cref="Isolated"/> says whether it was applied with failed firings isolated: a replay applies it the same way.
/// </summary>
internal readonly record struct KeyGroupInput(IReadOnlyList<Routed>? Records, long Watermark, long NowMs, bool Isolated = false)
{
    /// <summary>Applies this input to <paramref name="host"/>, appending what the operator emits to <paramref name="output"/>.</summary>
    public void ApplyTo(IKeyGroupHost host, List<Emitted> output)
    {
        if (Records is null)
        {
            host.AdvanceProcessingTime(NowMs, output);
        }
        else
        {
            host.Process(Records, Watermark, NowMs, output);
        }
    }
}

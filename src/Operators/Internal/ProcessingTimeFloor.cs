namespace ActorFlow.Operators.Internal;

/// <summary>
/// INTERNAL API. An operator's processing time, which never goes back: its clock, or the latest time it was advanced to
/// (restored with its snapshot too). The operator's <c>CurrentProcessingTime</c> and its keyed state's TTL read this one
/// time, as Flink's timer service and TTL time provider do: state that read the raw clock, restored into a clock behind
/// the snapshot's time (another node's, a test's new clock), could expire a 60 s TTL before a timer set 59 s after the
/// same write fired.
/// </summary>
internal sealed class ProcessingTimeFloor(TimeProvider clock, Func<long> floor) : TimeProvider
{
    /// <summary>Gets the processing time in epoch milliseconds.</summary>
    public long NowMs => Math.Max(clock.GetUtcNow().ToUnixTimeMilliseconds(), floor());

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow()
    {
        var now = clock.GetUtcNow();
        var least = floor();
        return least > now.ToUnixTimeMilliseconds() ? DateTimeOffset.FromUnixTimeMilliseconds(least) : now;
    }
}

namespace ActorFlow.Operators.Internal;

/// <summary>
/// INTERNAL API. The clock an operator's keyed state reads TTL time from: the operator's own processing time, which
/// never goes back (its clock, or the latest time it was advanced to, restored with its snapshot too), so that state
/// TTL and processing-time timers see one time, as Flink's TTL time provider and timer service do. A state's entries
/// read the raw clock: restored into a clock behind the snapshot's time (another node's, a test's new clock), a 60 s
/// TTL could expire before a timer set 59 s after the same write fired.
/// </summary>
internal sealed class ProcessingTimeFloor(TimeProvider clock, Func<long> floor) : TimeProvider
{
    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow()
    {
        var now = clock.GetUtcNow();
        var least = floor();
        return least > now.ToUnixTimeMilliseconds() ? DateTimeOffset.FromUnixTimeMilliseconds(least) : now;
    }
}

namespace ActorFlow.TestKit;

/// <summary>
/// The processing-time clock of an operator harness: the one given to the harness, else the operator's own (so a
/// clock passed once, to the operator, serves both), else the system clock; moved only when the operator reads it
/// (setting another clock's time would move the timers but not what the operator reads: state TTL, processing-time
/// windows, <c>CurrentProcessingTime</c>).
/// </summary>
internal static class HarnessClock
{
    /// <summary>The harness's clock.</summary>
    public static TimeProvider Of(TimeProvider? given, TimeProvider? operatorClock) =>
        given ?? (operatorClock is null or Operators.DrivenClock || ReferenceEquals(operatorClock, TimeProvider.System) ? TimeProvider.System : operatorClock);

    /// <summary>
    /// Sets <paramref name="clock"/> to <paramref name="nowMs"/> before a harness fires processing time; fails when
    /// the operator reads another clock, or the clock cannot be set and shows another time.
    /// </summary>
    public static void Set(TimeProvider clock, TimeProvider? operatorClock, long nowMs)
    {
        CheckShared(clock, operatorClock);
        if (clock is ManualTimeProvider manual)
        {
            manual.SetUtcNow(nowMs);
            return;
        }

        if (operatorClock is null)
        {
            return; // the operator reads no clock (an interval join, an operator of the user's): the time given is all it sees
        }

        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        if (now != nowMs)
        {
            throw new InvalidOperationException(
                $"The harness's clock is a {clock.GetType().Name} at {now}, which it cannot set to {nowMs}: build the operator with a ManualTimeProvider " +
                "(KeyedProcessOperators.Create(..., clock: c), WindowOperators.For(..).WithTimeProvider(c); the harness then uses it), or move your clock and call FireProcessingTimers().");
        }
    }

    /// <summary>Fails when the operator reads processing time from another clock than the harness moves.</summary>
    public static void CheckShared(TimeProvider clock, TimeProvider? operatorClock)
    {
        if (operatorClock is not null and not Operators.DrivenClock && !ReferenceEquals(operatorClock, clock))
        {
            throw new InvalidOperationException(
                $"The operator reads processing time from {Name(operatorClock)} and the harness moves {Name(clock)}: build the operator with the harness's clock " +
                "(KeyedProcessOperators.Create(..., clock: c), WindowOperators.For(..).WithTimeProvider(c)), or give the harness no clock: it then uses the operator's.");
        }
    }

    private static string Name(TimeProvider clock) => ReferenceEquals(clock, TimeProvider.System) ? "the system clock" : "a " + clock.GetType().Name;
}

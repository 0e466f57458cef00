namespace ActorFlow.TestKit;

/// <summary>
/// The processing time of an operator harness, shared by the one- and two-input harnesses: its clock is the one given
/// to the harness, else the operator's own (so a clock passed once, to the operator, serves both), else the system
/// clock; it is moved only when the operator reads it (setting another clock's time would move the timers but not
/// what the operator reads: state TTL, processing-time windows, <c>CurrentProcessingTime</c>). It also remembers
/// whether the harness has had input or moved time, after which a restore is refused.
/// </summary>
internal sealed class HarnessClock
{
    private readonly TimeProvider? _operatorClock;

    /// <summary>Creates the harness's clock from the one given (or none) and the one the operator reads (null for none).</summary>
    public HarnessClock(TimeProvider? given, TimeProvider? operatorClock)
    {
        _operatorClock = operatorClock;
        Clock = given ?? (operatorClock is null or Operators.DrivenClock || ReferenceEquals(operatorClock, TimeProvider.System) ? TimeProvider.System : operatorClock);
    }

    /// <summary>Gets the harness's clock.</summary>
    public TimeProvider Clock { get; }

    /// <summary>Notes that the harness had input (a record or a watermark).</summary>
    public void Input() => Used = true;

    /// <summary>
    /// The clock's time when it is a test clock the operator reads too and <paramref name="next"/> (the operator's
    /// earliest processing-time timer) is due by it, else null: the runtime fires due processing-time timers before a
    /// batch's records and watermark, so a record pushed after the test moved the clock past a timer must find it fired.
    /// </summary>
    public long? DueNow(long? next)
    {
        if (next is null || _operatorClock is null or Operators.DrivenClock || !ReferenceEquals(_operatorClock, Clock) || ReferenceEquals(Clock, TimeProvider.System))
        {
            return null;
        }

        var now = Clock.GetUtcNow().ToUnixTimeMilliseconds();
        return next <= now ? now : null;
    }

    /// <summary>
    /// Moves a <see cref="ManualTimeProvider"/> forward to a restored operator's processing time when it is behind, so
    /// that the clock and the operator agree (the operator's processing time never goes back): a timer set 10 ms ahead
    /// fires after <c>AdvanceProcessingTime(10 ms)</c>, as in the run the snapshot came from.
    /// </summary>
    public void CatchUp(long restored)
    {
        if (Clock is ManualTimeProvider manual && restored != long.MinValue && manual.NowMs < restored)
        {
            manual.SetUtcNow(restored);
        }
    }

    /// <summary>
    /// Sets the clock to <paramref name="nowMs"/> before the harness fires processing time; fails when the operator
    /// reads another clock, or the clock cannot be set and shows another time.
    /// </summary>
    /// <returns><paramref name="nowMs"/>.</returns>
    public long Set(long nowMs)
    {
        CheckShared();
        if (Clock is ManualTimeProvider manual)
        {
            manual.SetUtcNow(nowMs);
        }
        else if (_operatorClock is not null && Clock.GetUtcNow().ToUnixTimeMilliseconds() is var now && now != nowMs)
        {
            // (an operator that reads no clock, an interval join or the user's own, sees the time given and nothing else)
            throw new InvalidOperationException(
                $"The harness's clock is a {Clock.GetType().Name} at {now}, which it cannot set to {nowMs}: build the operator with a ManualTimeProvider " +
                "(KeyedProcessOperators.Create(..., clock: c), WindowOperators.For(..).WithTimeProvider(c); the harness then uses it), or move your clock and call FireProcessingTimers().");
        }

        return nowMs;
    }

    /// <summary>The clock's time, for firing the timers then due; fails when the operator reads another clock.</summary>
    public long Now()
    {
        CheckShared();
        return Clock.GetUtcNow().ToUnixTimeMilliseconds();
    }

    /// <summary>Moves the clock, a <see cref="ManualTimeProvider"/>, forward by <paramref name="delta"/>.</summary>
    /// <returns>The time it then shows.</returns>
    public long Advance(TimeSpan delta)
    {
        var manual = Clock as ManualTimeProvider
            ?? throw new InvalidOperationException($"The harness's clock is a {Clock.GetType().Name}, which it cannot move: create the harness with a ManualTimeProvider, or advance your clock and call SetProcessingTime.");
        CheckShared();
        manual.Advance(delta);
        return manual.NowMs;
    }

    /// <summary>Fails when the harness has had input or moved time (a restore goes into a fresh operator and harness).</summary>
    public void CheckFresh()
    {
        if (Used)
        {
            throw new InvalidOperationException("Restore into a new operator and harness: this one has processed records or watermarks already (its state would be replaced, its watermark set back).");
        }
    }

    private bool Used { get; set; }

    // Fails when the operator reads processing time from another clock than the harness moves.
    private void CheckShared()
    {
        if (_operatorClock is not null and not Operators.DrivenClock && !ReferenceEquals(_operatorClock, Clock))
        {
            throw new InvalidOperationException(
                $"The operator reads processing time from {Name(_operatorClock)} and the harness moves {Name(Clock)}: build the operator with the harness's clock " +
                "(KeyedProcessOperators.Create(..., clock: c), WindowOperators.For(..).WithTimeProvider(c)), or give the harness no clock: it then uses the operator's.");
        }
    }

    private static string Name(TimeProvider clock) => ReferenceEquals(clock, TimeProvider.System) ? "the system clock" : "a " + clock.GetType().Name;
}

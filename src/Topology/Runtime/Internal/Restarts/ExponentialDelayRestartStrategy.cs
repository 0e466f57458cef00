using System.Globalization;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. <see cref="RestartStrategy.ExponentialDelay"/>: the delay grows by the multiplier per failure up to
/// the maximum, with jitter, and resets after a quiet period; restarts are unlimited unless capped per reset.
/// </summary>
internal sealed class ExponentialDelayRestartStrategy(
    TimeSpan initial, TimeSpan max, double multiplier, TimeSpan resetAfter, double jitter, int? attempts) : RestartStrategy
{
    public TimeSpan Initial => initial;

    public TimeSpan Max => max;

    public double Multiplier => multiplier;

    public TimeSpan ResetAfter => resetAfter;

    public double Jitter => jitter;

    public int? Attempts => attempts;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"ExponentialDelay(initial: {Durations.Format(initial)}, max: {Durations.Format(max)}, multiplier: {multiplier}, resetAfter: {Durations.Format(resetAfter)}, jitter: {jitter}, attempts: {(attempts is { } a ? a.ToString(CultureInfo.InvariantCulture) : "unlimited")})");

    internal override RestartBackoff Start(TimeProvider clock, Random random) => new Backoff(this, clock, random);

    private sealed class Backoff(ExponentialDelayRestartStrategy strategy, TimeProvider clock, Random random) : RestartBackoff(clock)
    {
        private TimeSpan? _backoff;          // the last delay before jitter; null before the first failure and after a reset
        private DateTimeOffset _restartedAt; // when the last restart's delay ended (the job ran from then on)
        private int _sinceReset;

        protected override RestartDecision Decide(DateTimeOffset now)
        {
            if (_backoff is not null && now - _restartedAt >= strategy.ResetAfter)
            {
                _backoff = null;
                _sinceReset = 0;
            }

            _sinceReset++;
            if (strategy.Attempts is { } attempts && _sinceReset > attempts)
            {
                return RestartDecision.GiveUp(string.Create(CultureInfo.InvariantCulture,
                    $"{_sinceReset} failures without {Durations.Format(strategy.ResetAfter)} free of failures in between, and at most {attempts} restarts are allowed"));
            }

            var backoff = _backoff is { } last
                ? TimeSpan.FromTicks((long)Math.Min(last.Ticks * strategy.Multiplier, strategy.Max.Ticks))
                : strategy.Initial;
            _backoff = backoff;

            // Up to ± jitter of the backoff, never above the maximum.
            var varied = backoff.Ticks + (backoff.Ticks * strategy.Jitter * ((random.NextDouble() * 2) - 1));
            var delay = TimeSpan.FromTicks((long)Math.Clamp(varied, 0, strategy.Max.Ticks));
            _restartedAt = now + delay;
            return RestartDecision.After(delay);
        }
    }
}

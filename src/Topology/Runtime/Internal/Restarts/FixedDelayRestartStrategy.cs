using System.Globalization;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>INTERNAL API. <see cref="RestartStrategy.FixedDelay"/>: a fixed pause, a bounded number of restarts in a row without a completed checkpoint.</summary>
internal sealed class FixedDelayRestartStrategy(int attempts, TimeSpan delay) : RestartStrategy
{
    public int Attempts => attempts;

    public TimeSpan Delay => delay;

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"FixedDelay(attempts: {attempts}, delay: {Durations.Format(delay)})");

    internal override RestartBackoff Start(TimeProvider clock, Random random) => new Backoff(this, clock);

    private sealed class Backoff(FixedDelayRestartStrategy strategy, TimeProvider clock) : RestartBackoff(clock)
    {
        private int _inARow;

        protected override RestartDecision Decide(DateTimeOffset now)
        {
            _inARow++;
            return _inARow > strategy.Attempts
                ? RestartDecision.GiveUp(string.Create(CultureInfo.InvariantCulture,
                    $"{_inARow} failures in a row without a checkpoint completing, and at most {strategy.Attempts} restarts are allowed"))
                : RestartDecision.After(strategy.Delay);
        }

        protected override void Progressed() => _inARow = 0;
    }
}

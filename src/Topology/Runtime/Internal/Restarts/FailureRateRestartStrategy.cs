using System.Globalization;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>INTERNAL API. <see cref="RestartStrategy.FailureRate"/>: a fixed pause, at most so many failures per sliding interval.</summary>
internal sealed class FailureRateRestartStrategy(int maxFailures, TimeSpan interval, TimeSpan delay) : RestartStrategy
{
    public int MaxFailures => maxFailures;

    public TimeSpan Interval => interval;

    public TimeSpan Delay => delay;

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"FailureRate(maxFailures: {maxFailures}, interval: {Durations.Format(interval)}, delay: {Durations.Format(delay)})");

    internal override RestartBackoff Start(TimeProvider clock, Random random) => new Backoff(this, clock);

    private sealed class Backoff(FailureRateRestartStrategy strategy, TimeProvider clock) : RestartBackoff(clock)
    {
        // The failures of the last interval, oldest first; never more than MaxFailures + 1.
        private readonly Queue<DateTimeOffset> _failures = new();

        protected override RestartDecision Decide(DateTimeOffset now)
        {
            while (_failures.TryPeek(out var oldest) && now - oldest >= strategy.Interval)
            {
                _failures.Dequeue();
            }

            _failures.Enqueue(now);
            return _failures.Count > strategy.MaxFailures
                ? RestartDecision.GiveUp(string.Create(CultureInfo.InvariantCulture,
                    $"{_failures.Count} failures within {Durations.Format(strategy.Interval)}, and at most {strategy.MaxFailures} are tolerated"))
                : RestartDecision.After(strategy.Delay);
        }
    }
}

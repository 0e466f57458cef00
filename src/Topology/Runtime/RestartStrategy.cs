using System.Globalization;
using ActorFlow.Topology.Runtime.Internal;

namespace ActorFlow.Topology.Runtime;

/// <summary>
/// How a keyed job that failed is restarted from its last complete checkpoint (Flink's restart strategies): how long
/// <see cref="RunningJob"/> waits before each failover, and when it gives up, failing
/// <see cref="RunningJob.Completion"/> with a <see cref="JobRestartsExhaustedException"/>. Set it with
/// <see cref="JobRunnerOptions.RestartStrategy"/>; the default is <see cref="Default"/>.
/// </summary>
/// <remarks>
/// Every failure counts: a run that failed (a key group lost its state, a sink failed, an ask timed out) and a
/// failover attempt that failed itself (e.g. the checkpoint store was unreachable). A strategy is immutable and may
/// configure any number of jobs; each job keeps its own failure history. Delays run on
/// <see cref="JobRunnerOptions.Clock"/>; a stop (<see cref="RunningJob.StopAsync"/>) ends a pending delay at once.
/// </remarks>
public abstract class RestartStrategy
{
    /// <summary>The longest delay a strategy accepts: <see cref="int.MaxValue"/> milliseconds (about 24.8 days).</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMilliseconds(int.MaxValue);

    private protected RestartStrategy()
    {
    }

    /// <summary>Never restart: the first failure fails the job (Flink's <c>none</c>).</summary>
    public static RestartStrategy None { get; } = new NoRestartStrategy();

    /// <summary>
    /// The strategy of <see cref="JobRunnerOptions"/> by default, Flink's default when checkpointing is on:
    /// <c>ExponentialDelay(initial: 1 s, max: 60 s)</c>, i.e. multiplier 2, backoff reset after 1 h without a
    /// failure, jitter 10 %, unlimited attempts. A job whose key group fails deterministically thus waits 1, 2, 4, …
    /// up to 60 s between failovers instead of spinning, and keeps trying (as a Flink job does) until stopped.
    /// </summary>
    public static RestartStrategy Default { get; } = ExponentialDelay(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));

    /// <summary>
    /// Waits <paramref name="delay"/> before each failover and gives up at the failure after
    /// <paramref name="attempts"/> restarts in a row without a checkpoint completing in between (Flink's
    /// <c>fixed-delay</c>, except that Flink counts restarts over the job's whole life: here a completed checkpoint
    /// shows that the job got past its failure, so a long-running job that fails now and then is not worn down).
    /// </summary>
    /// <param name="attempts">Restarts allowed in a row, at least 0 (0 gives up at the first failure).</param>
    /// <param name="delay">Pause before each failover, 0 to <see cref="MaxDelay"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of its range (named with its value).</exception>
    public static RestartStrategy FixedDelay(int attempts, TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(attempts);
        CheckDelay(delay, nameof(delay));
        return new FixedDelayRestartStrategy(attempts, delay);
    }

    /// <summary>
    /// Flink's <c>exponential-delay</c>: waits <paramref name="initial"/> before the first failover and
    /// <paramref name="multiplier"/> times longer before each following one, never longer than
    /// <paramref name="max"/>; each delay is varied at random by up to ± <paramref name="jitter"/> of itself (so that
    /// several jobs failing at once do not restart in step), still at most <paramref name="max"/>. The backoff goes
    /// back to <paramref name="initial"/> once the job has run <paramref name="resetAfter"/> without a failure since
    /// its last restart.
    /// </summary>
    /// <param name="initial">The first delay, above 0 and at most <see cref="MaxDelay"/>.</param>
    /// <param name="max">The longest delay, at least <paramref name="initial"/> and at most <see cref="MaxDelay"/>.</param>
    /// <param name="multiplier">Growth of the delay per failure, at least 1. Default 2.</param>
    /// <param name="resetAfter">Time without a failure (after a restart) that resets the backoff, above 0; null: 1 hour (Flink's default).</param>
    /// <param name="jitter">Random variation, as a fraction of the delay, 0 to 1. Default 0.1.</param>
    /// <param name="attempts">
    /// Restarts allowed until the backoff resets (Flink's <c>attempts-before-reset-backoff</c>), at least 1; the
    /// failure after that many gives up. Default null: unlimited, the job restarts until it is stopped.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of its range (named with its value).</exception>
    public static RestartStrategy ExponentialDelay(
        TimeSpan initial, TimeSpan max, double multiplier = 2.0, TimeSpan? resetAfter = null, double jitter = 0.1, int? attempts = null)
    {
        CheckDelay(initial, nameof(initial));
        if (initial == TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(initial), initial, $"{nameof(initial)} ('{initial}') must be positive.");
        }

        CheckDelay(max, nameof(max));
        if (max < initial)
        {
            throw new ArgumentOutOfRangeException(nameof(max), max, $"{nameof(max)} ({max}) must be at least {nameof(initial)} ({initial}).");
        }

        if (!(multiplier >= 1.0) || double.IsInfinity(multiplier))
        {
            throw new ArgumentOutOfRangeException(nameof(multiplier), multiplier, string.Create(CultureInfo.InvariantCulture, $"{nameof(multiplier)} ('{multiplier}') must be a finite number of at least 1."));
        }

        var reset = resetAfter ?? TimeSpan.FromHours(1);
        if (reset <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(resetAfter), reset, $"{nameof(resetAfter)} ('{reset}') must be positive.");
        }

        if (!(jitter is >= 0.0 and <= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(jitter), jitter, string.Create(CultureInfo.InvariantCulture, $"{nameof(jitter)} ('{jitter}') must be between 0 and 1."));
        }

        if (attempts is { } a)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(a, nameof(attempts));
        }

        return new ExponentialDelayRestartStrategy(initial, max, multiplier, reset, jitter, attempts);
    }

    /// <summary>
    /// Flink's <c>failure-rate</c>: waits <paramref name="delay"/> before each failover and gives up when more than
    /// <paramref name="maxFailures"/> failures happened within the last <paramref name="interval"/> (the failure that
    /// gives up included): at most <paramref name="maxFailures"/> restarts per sliding interval.
    /// </summary>
    /// <param name="maxFailures">Failures tolerated within <paramref name="interval"/>, at least 1.</param>
    /// <param name="interval">The sliding window failures are counted in, above 0.</param>
    /// <param name="delay">Pause before each failover, 0 to <see cref="MaxDelay"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of its range (named with its value).</exception>
    public static RestartStrategy FailureRate(int maxFailures, TimeSpan interval, TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxFailures);
        if (interval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, $"{nameof(interval)} ('{interval}') must be positive.");
        }

        CheckDelay(delay, nameof(delay));
        return new FailureRateRestartStrategy(maxFailures, interval, delay);
    }

    /// <summary>The strategy and its parameters as they would be written in code, e.g. <c>FixedDelay(attempts: 3, delay: 1 s)</c>.</summary>
    public abstract override string ToString();

    /// <summary>A job's failure history under this strategy, kept on <paramref name="clock"/>; <paramref name="random"/> for jitter.</summary>
    internal abstract RestartBackoff Start(TimeProvider clock, Random random);

    private static void CheckDelay(TimeSpan delay, string name)
    {
        if (delay < TimeSpan.Zero || delay > MaxDelay)
        {
            throw new ArgumentOutOfRangeException(name, delay, $"{name} ('{delay}') must be between 0 and {MaxDelay}.");
        }
    }
}

using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Runtime.Internal;
using Microsoft.Extensions.Time.Testing;

namespace ActorFlow.Topology.Tests.Runtime;

/// <summary>
/// Unit specs of <see cref="RestartStrategy"/> (Flink's restart strategies): each answers a job's failures with
/// "restart after a delay" or "give up because …", on a fake clock, without actors.
/// </summary>
public sealed class RestartStrategySpec
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));

    /// <summary>Verify that fixed delay restarts after its delay the given number of times in a row, then gives up naming the count.</summary>
    [Fact]
    public void A_FixedDelay_strategy_must_restart_after_its_delay_until_its_attempts_are_used_up()
    {
        var backoff = RestartStrategy.FixedDelay(3, TimeSpan.FromSeconds(5)).Start(_clock, new Random(1));

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(RestartDecision.After(TimeSpan.FromSeconds(5)), backoff.OnFailure());
            _clock.Advance(TimeSpan.FromSeconds(6));
        }

        var last = backoff.OnFailure();
        Assert.False(last.Restart);
        Assert.Contains("4 failures in a row", last.GiveUpReason, StringComparison.Ordinal);
        Assert.Contains("at most 3 restarts", last.GiveUpReason, StringComparison.Ordinal);
    }

    /// <summary>Verify that a checkpoint completed between two failures gives fixed delay its attempts back (failures count in a row).</summary>
    [Fact]
    public void A_FixedDelay_strategy_must_count_failures_again_after_a_completed_checkpoint()
    {
        var backoff = RestartStrategy.FixedDelay(1, TimeSpan.FromSeconds(1)).Start(_clock, new Random(1));

        Assert.True(backoff.OnFailure().Restart);
        backoff.OnCheckpointCompleted();
        Assert.True(backoff.OnFailure().Restart);
        Assert.False(backoff.OnFailure().Restart);
    }

    /// <summary>Verify that fixed delay with 0 attempts gives up at the first failure.</summary>
    [Fact]
    public void A_FixedDelay_strategy_with_no_attempts_must_give_up_at_once()
    {
        Assert.False(RestartStrategy.FixedDelay(0, TimeSpan.Zero).Start(_clock, new Random(1)).OnFailure().Restart);
    }

    /// <summary>Verify that exponential delay multiplies its delay per failure up to its maximum (without jitter).</summary>
    [Fact]
    public void An_ExponentialDelay_strategy_must_grow_its_delay_per_failure_up_to_its_maximum()
    {
        var backoff = RestartStrategy.ExponentialDelay(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), jitter: 0).Start(_clock, new Random(1));

        var delays = new List<double>();
        for (var i = 0; i < 7; i++)
        {
            var decision = backoff.OnFailure();
            Assert.True(decision.Restart);
            delays.Add(decision.Delay.TotalSeconds);
            _clock.Advance(decision.Delay + TimeSpan.FromSeconds(1)); // runs 1 s, fails again
        }

        Assert.Equal<double>([1, 2, 4, 8, 10, 10, 10], delays);
    }

    /// <summary>Verify that exponential delay honours a multiplier other than 2.</summary>
    [Fact]
    public void An_ExponentialDelay_strategy_must_apply_its_multiplier()
    {
        var backoff = RestartStrategy.ExponentialDelay(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), multiplier: 1.5, jitter: 0).Start(_clock, new Random(1));

        Assert.Equal(TimeSpan.FromMilliseconds(100), backoff.OnFailure().Delay);
        Assert.Equal(TimeSpan.FromMilliseconds(150), backoff.OnFailure().Delay);
        Assert.Equal(TimeSpan.FromMilliseconds(225), backoff.OnFailure().Delay);
    }

    /// <summary>Verify that exponential delay goes back to its initial delay once the job ran for resetAfter without a failure, and not before.</summary>
    [Fact]
    public void An_ExponentialDelay_strategy_must_reset_its_backoff_after_a_quiet_period()
    {
        var backoff = RestartStrategy.ExponentialDelay(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), resetAfter: TimeSpan.FromMinutes(5), jitter: 0).Start(_clock, new Random(1));
        Assert.Equal(TimeSpan.FromSeconds(1), backoff.OnFailure().Delay);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromSeconds(2), backoff.OnFailure().Delay);
        _clock.Advance(TimeSpan.FromSeconds(2));

        // Ran 1 s short of the quiet period since the restart: the backoff keeps growing.
        _clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromSeconds(4), backoff.OnFailure().Delay);

        _clock.Advance(TimeSpan.FromSeconds(4) + TimeSpan.FromMinutes(5));
        Assert.Equal(TimeSpan.FromSeconds(1), backoff.OnFailure().Delay);
    }

    /// <summary>Verify that exponential delay ignores completed checkpoints: only a quiet period resets it (as in Flink).</summary>
    [Fact]
    public void An_ExponentialDelay_strategy_must_not_reset_on_a_completed_checkpoint()
    {
        var backoff = RestartStrategy.ExponentialDelay(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), jitter: 0).Start(_clock, new Random(1));
        backoff.OnFailure();
        backoff.OnCheckpointCompleted();

        Assert.Equal(TimeSpan.FromSeconds(2), backoff.OnFailure().Delay);
    }

    /// <summary>Verify that exponential delay varies each delay by at most its jitter, never above its maximum, and not always by the same amount.</summary>
    [Fact]
    public void An_ExponentialDelay_strategy_must_jitter_within_its_bounds()
    {
        var seen = new HashSet<TimeSpan>();
        for (var seed = 0; seed < 200; seed++)
        {
            var backoff = RestartStrategy.ExponentialDelay(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20), jitter: 0.1).Start(_clock, new Random(seed));
            var first = backoff.OnFailure().Delay;
            var second = backoff.OnFailure().Delay;
            Assert.InRange(first, TimeSpan.FromSeconds(9), TimeSpan.FromSeconds(11));
            Assert.InRange(second, TimeSpan.FromSeconds(18), TimeSpan.FromSeconds(20));
            seen.Add(first);
        }

        Assert.True(seen.Count > 100, $"only {seen.Count} different delays");
    }

    /// <summary>Verify that exponential delay restarts without end by default, and gives up after its attempts when capped, counting again after a reset.</summary>
    [Fact]
    public void An_ExponentialDelay_strategy_must_be_unlimited_unless_capped()
    {
        var unlimited = RestartStrategy.ExponentialDelay(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), jitter: 0).Start(_clock, new Random(1));
        Assert.All(Enumerable.Range(0, 1000), _ => Assert.True(unlimited.OnFailure().Restart));

        var capped = RestartStrategy.ExponentialDelay(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8), resetAfter: TimeSpan.FromMinutes(1), jitter: 0, attempts: 2).Start(_clock, new Random(1));
        Assert.True(capped.OnFailure().Restart);
        Assert.True(capped.OnFailure().Restart);
        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.True(capped.OnFailure().Restart);
        Assert.True(capped.OnFailure().Restart);
        var last = capped.OnFailure();
        Assert.False(last.Restart);
        Assert.Contains("at most 2 restarts", last.GiveUpReason, StringComparison.Ordinal);
    }

    /// <summary>Verify that failure rate restarts after its delay while at most maxFailures fall within the interval, and gives up at one more.</summary>
    [Fact]
    public void A_FailureRate_strategy_must_give_up_when_more_than_max_failures_fall_within_the_interval()
    {
        var backoff = RestartStrategy.FailureRate(3, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(2)).Start(_clock, new Random(1));

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(RestartDecision.After(TimeSpan.FromSeconds(2)), backoff.OnFailure());
            _clock.Advance(TimeSpan.FromSeconds(19));
        }

        var last = backoff.OnFailure(); // 57 s after the first
        Assert.False(last.Restart);
        Assert.Contains("4 failures within 60 s", last.GiveUpReason, StringComparison.Ordinal);
    }

    /// <summary>Verify that failure rate forgets failures older than its interval (a sliding window).</summary>
    [Fact]
    public void A_FailureRate_strategy_must_forget_failures_older_than_its_interval()
    {
        var backoff = RestartStrategy.FailureRate(2, TimeSpan.FromMinutes(1), TimeSpan.Zero).Start(_clock, new Random(1));

        for (var i = 0; i < 20; i++)
        {
            Assert.True(backoff.OnFailure().Restart, $"failure {i}");
            _clock.Advance(TimeSpan.FromSeconds(31)); // two failures per minute at most
        }
    }

    /// <summary>Verify that None gives up at the first failure.</summary>
    [Fact]
    public void A_None_strategy_must_give_up_at_the_first_failure()
    {
        var decision = RestartStrategy.None.Start(_clock, new Random(1)).OnFailure();

        Assert.False(decision.Restart);
        Assert.Equal("restarts are off", decision.GiveUpReason);
    }

    /// <summary>Verify that every factory rejects an argument out of range with an ArgumentException naming the parameter and the value.</summary>
    [Theory]
    [InlineData("attempts", "-1")]
    [InlineData("delay", "-00:00:01")]
    [InlineData("initial", "00:00:00")]
    [InlineData("max", "00:00:00.5000000")]
    [InlineData("multiplier", "0.5")]
    [InlineData("multiplier", "NaN")]
    [InlineData("resetAfter", "00:00:00")]
    [InlineData("jitter", "1.5")]
    [InlineData("attempts", "0")]
    [InlineData("maxFailures", "0")]
    [InlineData("interval", "-00:00:01")]
    public void A_RestartStrategy_factory_must_reject_an_invalid_argument_naming_it(string parameter, string value)
    {
        var second = TimeSpan.FromSeconds(1);
        Action create = (parameter, value) switch
        {
            ("attempts", "-1") => () => RestartStrategy.FixedDelay(-1, second),
            ("delay", _) => () => RestartStrategy.FixedDelay(1, -second),
            ("initial", _) => () => RestartStrategy.ExponentialDelay(TimeSpan.Zero, second),
            ("max", _) => () => RestartStrategy.ExponentialDelay(second, second / 2),
            ("multiplier", "0.5") => () => RestartStrategy.ExponentialDelay(second, second, multiplier: 0.5),
            ("multiplier", _) => () => RestartStrategy.ExponentialDelay(second, second, multiplier: double.NaN),
            ("resetAfter", _) => () => RestartStrategy.ExponentialDelay(second, second, resetAfter: TimeSpan.Zero),
            ("jitter", _) => () => RestartStrategy.ExponentialDelay(second, second, jitter: 1.5),
            ("attempts", _) => () => RestartStrategy.ExponentialDelay(second, second, attempts: 0),
            ("maxFailures", _) => () => RestartStrategy.FailureRate(0, second, second),
            _ => () => RestartStrategy.FailureRate(1, -second, second),
        };

        var error = Assert.ThrowsAny<ArgumentException>(create);

        Assert.Equal(parameter, error.ParamName);
        Assert.Contains(value, error.Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that a strategy describes itself with its parameters, as it would be written in code.</summary>
    [Fact]
    public void A_RestartStrategy_must_name_itself_with_its_parameters()
    {
        Assert.Equal("FixedDelay(attempts: 3, delay: 500 ms)", RestartStrategy.FixedDelay(3, TimeSpan.FromMilliseconds(500)).ToString());
        Assert.Equal("FailureRate(maxFailures: 3, interval: 60 s, delay: 1 s)", RestartStrategy.FailureRate(3, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1)).ToString());
        Assert.Equal("None", RestartStrategy.None.ToString());
        Assert.Equal(
            "ExponentialDelay(initial: 1 s, max: 60 s, multiplier: 2, resetAfter: 3600 s, jitter: 0.1, attempts: unlimited)",
            RestartStrategy.Default.ToString());
    }
}

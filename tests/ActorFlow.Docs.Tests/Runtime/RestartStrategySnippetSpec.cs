using ActorFlow.Topology.Runtime;

namespace ActorFlow.Docs.Tests.Runtime;

/// <summary>docs/runtime.md, "Restart strategies": the options example, run.</summary>
public sealed class RestartStrategySnippetSpec
{
    /// <summary>Verify that the documented restart strategy is the default one and the options validate.</summary>
    [Fact]
    public void A_documented_restart_strategy_must_be_the_default_and_valid()
    {
        // begin-snippet: runtime-restart-strategy
        var options = new JobRunnerOptions
        {
            RestartStrategy = RestartStrategy.ExponentialDelay(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60)), // the default
            // RestartStrategy.FixedDelay(attempts: 3, delay: TimeSpan.FromSeconds(10))
            // RestartStrategy.FailureRate(maxFailures: 3, interval: TimeSpan.FromMinutes(5), delay: TimeSpan.FromSeconds(10))
            // RestartStrategy.None
        };
        // end-snippet

        Assert.Equal(new JobRunnerOptions().RestartStrategy.ToString(), options.RestartStrategy.ToString());
        Assert.NotNull(RestartStrategy.FixedDelay(attempts: 3, delay: TimeSpan.FromSeconds(10)));
        Assert.NotNull(RestartStrategy.FailureRate(maxFailures: 3, interval: TimeSpan.FromMinutes(5), delay: TimeSpan.FromSeconds(10)));
    }
}

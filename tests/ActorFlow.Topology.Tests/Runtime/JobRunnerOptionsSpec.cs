using ActorFlow.Topology.Runtime;

namespace ActorFlow.Topology.Tests.Runtime;

/// <summary>Unit specs of the restart settings of <see cref="JobRunnerOptions"/>: the default and the mapping of the obsolete ones.</summary>
public sealed class JobRunnerOptionsSpec
{
    /// <summary>Verify that the options restart with the default strategy (exponential delay from 1 s to 60 s) when nothing is set.</summary>
    [Fact]
    public void A_JobRunnerOptions_without_a_strategy_must_back_off_exponentially()
    {
        var options = new JobRunnerOptions();

        Assert.Same(RestartStrategy.Default, options.RestartStrategy);
        Assert.StartsWith("ExponentialDelay(initial: 1 s, max: 60 s,", options.RestartStrategy.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Verify that the obsolete RestartAttempts and RestartDelay, set alone, still mean a fixed-delay strategy (0 attempts: none).</summary>
    [Fact]
    public void A_JobRunnerOptions_with_the_obsolete_restart_settings_must_map_them_onto_FixedDelay()
    {
        // The compatibility mapping is what is tested here, so the obsolete properties are used on purpose.
#pragma warning disable CS0618
        Assert.Equal("FixedDelay(attempts: 3, delay: 1 s)", new JobRunnerOptions { RestartAttempts = 3 }.RestartStrategy.ToString());
        Assert.Equal("FixedDelay(attempts: 10, delay: 250 ms)", new JobRunnerOptions { RestartDelay = TimeSpan.FromMilliseconds(250) }.RestartStrategy.ToString());
        Assert.Same(RestartStrategy.None, new JobRunnerOptions { RestartAttempts = 0 }.RestartStrategy);

        var both = new JobRunnerOptions { RestartStrategy = RestartStrategy.None, RestartAttempts = 3 };
#pragma warning restore CS0618
        var error = Assert.Throws<ArgumentException>(both.Validate);
        Assert.Contains("RestartStrategy (None)", error.Message, StringComparison.Ordinal);
        Assert.Contains("RestartAttempts (3)", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that a strategy set on the options is the one used, and that null is refused.</summary>
    [Fact]
    public void A_JobRunnerOptions_must_use_the_strategy_set_and_refuse_null()
    {
        var fixedDelay = RestartStrategy.FixedDelay(2, TimeSpan.FromSeconds(3));

        Assert.Same(fixedDelay, (new JobRunnerOptions() with { RestartStrategy = fixedDelay }).RestartStrategy);
        Assert.Throws<ArgumentNullException>(() => new JobRunnerOptions { RestartStrategy = null! });
    }
}

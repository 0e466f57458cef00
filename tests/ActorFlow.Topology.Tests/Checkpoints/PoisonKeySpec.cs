using ActorFlow.Kafka.Embedded;
using ActorFlow.Topology.Runtime;

namespace ActorFlow.Topology.Tests.Checkpoints;

/// <summary>Issue 14, defect 2: one key whose window function always throws must not stop the job.</summary>
public sealed class PoisonKeySpec : IDisposable
{
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 4, ["counts"] = 1, ["dead"] = 1 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-poison-key");

    /// <summary>
    /// Verify that a window function that throws on every firing of one window (a poison key) costs that window only:
    /// its firing is in the dead letters naming operator, key and window, the job never fails over, and every other
    /// window is in the output exactly once with the reference count.
    /// </summary>
    [Fact]
    public async Task A_window_function_that_always_throws_for_one_key_must_dead_letter_its_firing_and_keep_the_job_running()
    {
        var label = new ThrowingLabel(ThrowingLabel.Poisoned, times: int.MaxValue);

        var (job, expected, output) = await ThrowingLabel.RunAsync(_kafka, _data.Path, "poison-key", label, new JobRunnerOptions(), deadLetters: "dead", missing: 1);

        Assert.Equal(0, job.Restarts);
        Assert.True(expected.Remove(ThrowingLabel.Poisoned));
        ThrowingLabel.AssertExactly(expected, output);
        var dead = Assert.Single(new ClickTopics(_kafka).ReadWithHeaders("dead"));
        Assert.Equal("count", dead.Operator);
        Assert.Contains($"operator 'count' failed firing window [{ClickTopics.Base + 3000}, {ClickTopics.Base + 4000}) of key 'user-3'", dead.Error, StringComparison.Ordinal);
        Assert.Contains("window function bug", dead.Error, StringComparison.Ordinal);
    }

    /// <summary>
    /// Verify that with local restarts off (no way to retry the firing in place) the poison key makes the job fail over
    /// once, and the key group's next incarnation dead-letters the firing on the replay instead of failing over again.
    /// </summary>
    [Fact]
    public async Task A_poison_key_without_local_restarts_must_fail_over_once_and_then_dead_letter_its_firing()
    {
        var label = new ThrowingLabel(ThrowingLabel.Poisoned, times: int.MaxValue);

        var (job, expected, output) = await ThrowingLabel.RunAsync(_kafka, _data.Path, "poison-key-no-restart", label, new JobRunnerOptions { KeyGroupRestartLog = 0 }, deadLetters: "dead", missing: 1);

        Assert.Equal(1, job.Restarts);
        Assert.True(expected.Remove(ThrowingLabel.Poisoned));
        ThrowingLabel.AssertExactly(expected, output);
        Assert.Contains(new ClickTopics(_kafka).ReadWithHeaders("dead"), d => d.Error.Contains("of key 'user-3'", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        _kafka.Dispose();
        _data.Dispose();
    }
}

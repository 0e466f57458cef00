using ActorFlow.Kafka.Embedded;
using ActorFlow.Persistence.Config;
using ActorFlow.TestKit;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.EndToEnd;
using Microsoft.Extensions.Time.Testing;

namespace ActorFlow.Topology.Tests.Checkpoints;

/// <summary>
/// Issue 14, defect 2: a job that fails over waits its restart strategy's delay (on the job's clock) before each
/// failover, and gives up when the strategy says so, instead of failing over ten times in 2.7 s and giving up.
/// The delays themselves are checked on a fake clock in <c>Runtime/RestartStrategySpec</c>; here, with small real
/// delays, on the timestamps the job records of its failovers.
/// </summary>
public sealed class RestartDelaySpec : IDisposable
{
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 4, ["counts"] = 1 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-restart-delay");

    /// <summary>
    /// Verify that a job whose key group loses its state twice (a window function that throws twice inside a custom
    /// operator that cannot isolate it, local restarts off) waits the exponential delay before each failover, 0.5 s and then 1 s as recorded on the job's clock, and
    /// still writes every window exactly once.
    /// </summary>
    [Fact]
    public async Task A_failing_job_must_wait_its_restart_strategys_delay_before_each_failover()
    {
        var label = new ThrowingLabel(ThrowingLabel.Poisoned, times: 2);
        var strategy = RestartStrategy.ExponentialDelay(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(10), jitter: 0);

        var (job, expected, output) = await ThrowingLabel.RunAsync(_kafka, _data.Path, "restart-delay", null, ThrowingLabel.FailoverOptions(strategy), () => new OpaqueOperator(label));

        Assert.Equal(2, label.Thrown);
        Assert.Equal(2, job.Restarts);
        var failovers = job.Failovers;
        Assert.Equal([TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1)], failovers.Select(f => f.Delay));
        foreach (var failover in failovers)
        {
            // The system clock's timers may fire a tick early relative to GetUtcNow: a few ms of slack, far below the delays.
            Assert.True(failover.WaitedUntil - failover.FailedAt >= failover.Delay - TimeSpan.FromMilliseconds(20), $"restarted too early: {failover}");
        }

        Assert.True(failovers[1].FailedAt >= failovers[0].WaitedUntil, "the second failure came before the first restart");
        ThrowingLabel.AssertExactly(expected, output);
    }

    /// <summary>
    /// Verify that a job whose restart strategy gives up (failure rate: one failure per hour tolerated, a window
    /// function throws twice in an operator that cannot isolate it) fails its completion with a JobRestartsExhaustedException that names the strategy, the
    /// restarts done and the last failure.
    /// </summary>
    [Fact]
    public async Task A_failing_job_must_give_up_when_its_restart_strategy_says_so_naming_the_strategy_and_the_last_failure()
    {
        var label = new ThrowingLabel(ThrowingLabel.Poisoned, times: 2);
        var strategy = RestartStrategy.FailureRate(1, TimeSpan.FromHours(1), TimeSpan.Zero);

        var topics = new ClickTopics(_kafka);
        var clicks = ThrowingLabel.Clicks();
        var system = await ActorFlowCluster.StartNodeAsync("restart-give-up", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            // As ThrowingLabel.RunAsync: the second half of the input arrives after the first complete checkpoint.
            var job = await JobRunner.StartAsync(system, topics.ExactlyOnceCountJob(system, "restart-give-up", "restart-give-up", counter: () => new OpaqueOperator(label)), ThrowingLabel.FailoverOptions(strategy));
            topics.Produce(clicks.Take(3000));
            await Poll.UntilAsync(() => job.LastCompletedCheckpoint > 0 || job.Completion.IsCompleted, TimeSpan.FromSeconds(60));
            topics.Produce(clicks.Skip(3000));
            topics.ProduceEnd();

            var error = await Assert.ThrowsAsync<JobRestartsExhaustedException>(() => job.Completion.WaitAsync(TimeSpan.FromSeconds(90)));

            Assert.Same(strategy, error.RestartStrategy);
            Assert.Equal(1, error.Restarts);
            Assert.Equal(1, job.Restarts);
            Assert.Equal(2, label.Thrown);
            Assert.IsType<KeyGroupStateLostException>(error.InnerException); // unwrapped when the stream wrapped it
            Assert.Contains("FailureRate(maxFailures: 1, interval: 3600 s, delay: 0 ms)", error.Message, StringComparison.Ordinal);
            Assert.Contains("2 failures within 3600 s", error.Message, StringComparison.Ordinal);
            Assert.Contains(nameof(KeyGroupStateLostException), error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>
    /// Verify that a job stopped while its failover waits out a long delay (1 h on a fake job clock) stops at once,
    /// without restarting and without failing its completion.
    /// </summary>
    [Fact]
    public async Task A_failing_job_stopped_while_waiting_for_its_restart_must_stop_at_once()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(ClickTopics.Base));
        var label = new ThrowingLabel(ThrowingLabel.Poisoned, times: 1);
        var topics = new ClickTopics(_kafka);
        var clicks = ThrowingLabel.Clicks();
        var system = await ActorFlowCluster.StartNodeAsync("restart-stop", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var job = await JobRunner.StartAsync(system, topics.ExactlyOnceCountJob(system, "restart-stop", "restart-stop", label: label),
                ThrowingLabel.FailoverOptions(RestartStrategy.FixedDelay(3, TimeSpan.FromHours(1))) with { Clock = clock });
            // As ThrowingLabel.RunAsync, the input arrives after the job started (with the whole input in the topic
            // before the start, a run sometimes made no progress: see the session notes of 2026-12-03).
            topics.Produce(clicks.Take(3000));
            await Poll.UntilAsync(() => job.LastCompletedCheckpoint > 0 || job.Waiting is not null, TimeSpan.FromSeconds(60));
            topics.Produce(clicks.Skip(3000));
            topics.ProduceEnd();
            await Poll.UntilAsync(() => job.Waiting is not null, TimeSpan.FromSeconds(60));
            Assert.Equal(TimeSpan.FromHours(1), job.Waiting);

            await job.StopAsync(TimeSpan.FromSeconds(10));

            Assert.True(job.Completion.IsCompletedSuccessfully, $"completion: {job.Completion.Status} {job.Completion.Exception}");
            Assert.Null(job.Waiting);
            Assert.Equal(0, job.Restarts);
            Assert.Equal(1, label.Thrown);
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    public void Dispose()
    {
        _kafka.Dispose();
        _data.Dispose();
    }
}

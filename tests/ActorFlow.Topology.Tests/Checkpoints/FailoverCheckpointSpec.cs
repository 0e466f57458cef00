using ActorFlow.Kafka.Embedded;
using ActorFlow.Persistence.Config;
using ActorFlow.TestKit;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.EndToEnd;
using Microsoft.Extensions.Time.Testing;

namespace ActorFlow.Topology.Tests.Checkpoints;

public sealed class FailoverCheckpointSpec : IDisposable
{
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 4, ["counts"] = 1 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-failover-checkpoint");

    /// <summary>
    /// Verify that a checkpoint asked for while the job fails over (its restart waits 1 h on a fake job clock after a
    /// key group lost its state) fails saying that the job is failing over and naming the failure it fails over from,
    /// not with a bare cancellation: what a user sees when a sink or an operator broke the run.
    /// </summary>
    [Fact]
    public async Task A_checkpoint_during_a_failover_must_name_the_failure_the_job_fails_over_from()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(ClickTopics.Base));
        var label = new ThrowingLabel(ThrowingLabel.Poisoned, times: 1);
        var topics = new ClickTopics(_kafka);
        var system = await ActorFlowCluster.StartNodeAsync("failover-checkpoint", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var job = await JobRunner.StartAsync(system, topics.ExactlyOnceCountJob(system, "failover-checkpoint", "failover-checkpoint", label: label),
                ThrowingLabel.FailoverOptions(RestartStrategy.FixedDelay(3, TimeSpan.FromHours(1))) with { Clock = clock });
            topics.Produce(ThrowingLabel.Clicks());
            topics.ProduceEnd();
            await Poll.UntilAsync(() => job.Waiting is not null, TimeSpan.FromSeconds(60));

            var failed = await Assert.ThrowsAsync<CheckpointFailedException>(() => job.CheckpointAsync().WaitAsync(TimeSpan.FromSeconds(30)));

            Assert.Contains("the job is failing over to its last complete checkpoint", failed.Message, StringComparison.Ordinal);
            Assert.Contains(nameof(KeyGroupStateLostException), failed.Message, StringComparison.Ordinal);
            Assert.IsType<KeyGroupStateLostException>(failed.InnerException?.InnerException);
            await job.StopAsync(TimeSpan.FromSeconds(10));
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

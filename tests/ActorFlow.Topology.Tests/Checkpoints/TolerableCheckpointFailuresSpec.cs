using ActorFlow.Kafka.Embedded;
using ActorFlow.Persistence.Config;
using ActorFlow.TestKit;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.EndToEnd;

namespace ActorFlow.Topology.Tests.Checkpoints;

/// <summary>
/// <see cref="JobRunnerOptions.TolerableCheckpointFailures"/> (Flink's tolerable failed checkpoints): one failed
/// checkpoint more in a row than it allows fails the job over; by default failing checkpoints never do
/// (<c>RecoveryFaultsSpec</c>: the job keeps running).
/// </summary>
public sealed class TolerableCheckpointFailuresSpec : IDisposable
{
    private const string Job = "tolerable-failures";
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 4, ["counts"] = 1 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-tolerable-failures");

    /// <summary>
    /// Verify that with two failures tolerated, the third checkpoint failing in a row (the store refuses writes) fails
    /// the job over, and that once the store is back the job checkpoints again.
    /// </summary>
    [Fact]
    public async Task More_failed_checkpoints_in_a_row_than_tolerated_must_fail_the_job_over()
    {
        var topics = new ClickTopics(_kafka);
        topics.Produce(ThrowingLabel.Clicks().Take(500));
        var system = await ActorFlowCluster.StartNodeAsync(Job, StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var (store, fault) = FaultyCheckpointStore.Wrap(ActorFlowCluster.CheckpointStoreOf(system));
            var job = await JobRunner.StartAsync(system, topics.ExactlyOnceCountJob(system, Job, Job, sink: topics.PlainSink(system)), new JobRunnerOptions
            {
                CheckpointInterval = TimeSpan.FromMilliseconds(300),
                CheckpointStoreOverride = store,
                TolerableCheckpointFailures = 2,
                RestartStrategy = RestartStrategy.FixedDelay(10, TimeSpan.FromMilliseconds(500)),
            });
            await Poll.UntilAsync(() => job.LastCompletedCheckpoint >= 1, TimeSpan.FromSeconds(60));

            fault.IsDown = true;
            await Poll.UntilAsync(() => job.Restarts >= 1 || job.Completion.IsCompleted, TimeSpan.FromSeconds(60), "a failover");
            Assert.False(job.Completion.IsCompleted);
            Assert.True(job.FailedCheckpoints >= 3, $"{job.FailedCheckpoints} failed checkpoints before the failover");

            var restored = job.LastCompletedCheckpoint;
            fault.IsDown = false;
            await Poll.UntilAsync(() => job.LastCompletedCheckpoint > restored, TimeSpan.FromSeconds(60), "a checkpoint after the failover");
            await job.StopAsync(TimeSpan.FromSeconds(30));
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

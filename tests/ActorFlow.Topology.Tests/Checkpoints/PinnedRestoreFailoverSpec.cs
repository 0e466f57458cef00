using ActorFlow.Kafka.Embedded;
using ActorFlow.Persistence.Checkpoints;
using ActorFlow.Persistence.Config;
using ActorFlow.TestKit;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.EndToEnd;

namespace ActorFlow.Topology.Tests.Checkpoints;

/// <summary>
/// A job started from an older checkpoint (<see cref="JobRunnerOptions.RestoreCheckpointId"/>, the remedy a
/// <see cref="RecoveryFailedException"/> offers) that fails over before its next checkpoint completes restores that
/// checkpoint again, as Flink's failover restores a checkpoint it was started from. It restored the store's latest
/// record, the corrupt one the user had steered away from, and failed every attempt.
/// </summary>
public sealed class PinnedRestoreFailoverSpec : IDisposable
{
    private const string Job = "pinned-restore";
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 4, ["counts"] = 1 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-pinned-restore");

    /// <summary>
    /// Verify that a failover of a run started from the previous checkpoint (the latest one's record is corrupt)
    /// restores the previous checkpoint again, and the job then writes every window with its reference count.
    /// </summary>
    [Fact]
    public async Task A_failover_before_the_next_checkpoint_must_restore_the_checkpoint_the_job_started_from()
    {
        var topics = new ClickTopics(_kafka);
        var clicks = ThrowingLabel.Clicks();
        var (previous, latest) = await TwoCheckpointsThenCrashAsync(topics, clicks);
        await StoredCheckpoints.CorruptRecordAsync(_data.Path, Job, latest.CheckpointId);

        var label = new ThrowingLabel(ThrowingLabel.Poisoned, times: 1);
        var system = await ActorFlowCluster.StartNodeAsync(Job, StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var options = ThrowingLabel.FailoverOptions(RestartStrategy.FixedDelay(2, TimeSpan.FromMilliseconds(100))) with
            {
                CheckpointInterval = null, // no checkpoint completes before the failover
                RestoreCheckpointId = previous.CheckpointId,
            };
            var job = await JobRunner.StartAsync(system, topics.ExactlyOnceCountJob(system, Job, Job, label: label), options);
            topics.Produce(clicks.Skip(1000));
            topics.ProduceEnd();

            // The poisoned window fires and throws: the run fails over; the next run must restore the previous checkpoint.
            await Poll.UntilAsync(() => job.Restarts == 1 || job.Completion.IsCompleted, TimeSpan.FromSeconds(60));
            Assert.False(job.Completion.IsFaulted, job.Completion.Exception?.GetBaseException().Message);
            Assert.Equal(1, label.Thrown);

            var expected = ClickTopics.CountsPerSecond(clicks);
            await topics.ReadAfterCheckpointsAsync(job, _ => topics.Latest("counts").Count >= expected.Count, "every window out");
            Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), topics.Latest("counts").OrderBy(e => e.Key, StringComparer.Ordinal));
            Assert.Equal(1, job.Restarts);
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

    /// <summary>The first 1,000 clicks, a checkpoint after about half of them and one after all, then a crash.</summary>
    private async Task<(CheckpointRecord Previous, CheckpointRecord Latest)> TwoCheckpointsThenCrashAsync(ClickTopics topics, List<Click> clicks)
    {
        var system = await ActorFlowCluster.StartNodeAsync(Job, StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var job = await JobRunner.StartAsync(system, topics.ExactlyOnceCountJob(system, Job, Job, label: new ThrowingLabel(ThrowingLabel.Poisoned, times: 0)), new JobRunnerOptions { CheckpointInterval = null });
            topics.Produce(clicks.Take(500));
            var previous = await ClickTopics.CheckpointUntilAsync(job, c => c.Offsets.Sum(o => o.Offset) >= 500, "a checkpoint after the first 500 clicks");
            topics.Produce(clicks.Skip(500).Take(500));
            var latest = await ClickTopics.CheckpointUntilAsync(job, c => c.Offsets.Sum(o => o.Offset) >= 1000, "a checkpoint after 1,000 clicks");
            Assert.True(latest.CheckpointId > previous.CheckpointId);
            return (previous, latest);
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30)); // a crash
        }
    }
}

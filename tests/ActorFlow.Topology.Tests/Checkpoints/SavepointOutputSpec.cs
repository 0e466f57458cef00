using ActorFlow.Kafka.Embedded;
using ActorFlow.Persistence.Config;
using ActorFlow.TestKit;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.Bounded;
using ActorFlow.Topology.Tests.EndToEnd;

namespace ActorFlow.Topology.Tests.Checkpoints;

/// <summary>
/// A savepoint promoted from a job's newest checkpoint (`actorflow savepoint create` after the job crashed) may hold
/// exactly-once output its job had not published yet: a start from it publishes that output (as Flink's sinks commit
/// the committables restored from a savepoint), since the sources resume after it. The start used to drop the
/// savepoint's sink state, so that output was lost.
/// </summary>
public sealed class SavepointOutputSpec : IDisposable
{
    private const string Job = "savepoint-output";
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 4, ["counts"] = 1 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-savepoint-output");

    /// <summary>
    /// Verify that a start from a savepoint whose checkpoint's output was never published (its publication failed,
    /// then the job crashed) publishes it under that checkpoint's number, and every window comes out exactly once.
    /// </summary>
    [Fact]
    public async Task A_start_from_a_savepoint_must_publish_the_output_its_checkpoint_held()
    {
        var topics = new ClickTopics(_kafka);
        var clicks = ThrowingLabel.Clicks();
        var sink = new ListCheckpointedSink { FailFirstPublication = true };
        long savepointed;
        var system = await ActorFlowCluster.StartNodeAsync(Job, StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var job = await JobRunner.StartAsync(system, topics.ExactlyOnceCountJob(system, Job, Job, sink: sink), new JobRunnerOptions { CheckpointInterval = null });
            topics.Produce(clicks.Take(3000));
            await Poll.UntilAsync(() => job.RecordsRead >= 3000, TimeSpan.FromSeconds(60));
            await Poll.UntilAsync(() => sink.Encoded > 0, TimeSpan.FromSeconds(60)); // windows fired: the checkpoint holds output
            var checkpoint = await job.CheckpointAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(checkpoint.Offsets.Sum(o => o.Offset) > 0); // records read before the barrier (positions lag the read count a little)
            await Poll.UntilAsync(() => sink.Failed, TimeSpan.FromSeconds(30)); // its output's publication failed
            Assert.Equal(0, sink.Epochs);
            savepointed = checkpoint.CheckpointId;
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30)); // a crash before the retry
        }

        // As `actorflow savepoint create`: the newest complete checkpoint becomes a savepoint.
        system = await ActorFlowCluster.StartNodeAsync(Job, StateStoreSettings.Sqlite(_data.Path));
        try
        {
            Assert.NotNull(await ActorFlowCluster.CheckpointStoreOf(system).PromoteToSavepointAsync(Job, savepointed, "after-crash"));
            var job = await JobRunner.StartAsync(system, topics.ExactlyOnceCountJob(system, Job, Job, sink: sink), new JobRunnerOptions { CheckpointInterval = null, FromSavepoint = "after-crash" });
            Assert.Equal([savepointed], sink.EpochIds);
            Assert.NotEmpty(sink.Published);

            topics.Produce(clicks.Skip(3000));
            topics.ProduceEnd();
            var expected = ClickTopics.CountsPerSecond(clicks);
            await Poll.UntilAsync(
                async () =>
                {
                    await job.CheckpointAsync();
                    return sink.Published.Count(r => !r.StartsWith("zz-end", StringComparison.Ordinal)) >= expected.Count;
                },
                TimeSpan.FromSeconds(60),
                "every window published");
            ThrowingLabel.AssertExactly(expected, [.. sink.Published.Where(r => !r.StartsWith("zz-end", StringComparison.Ordinal))]);
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

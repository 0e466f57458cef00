using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.EndToEnd;

namespace ActorFlow.Topology.Tests.Bounded;

public sealed class FinalCheckpointFailoverSpec : IDisposable
{
    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-final-failover");

    /// <summary>
    /// Verify that a bounded job failing over after its final checkpoint completed (its sink's first publication fails)
    /// restores that checkpoint, whose end-of-input watermark resumes at the start of event time, and still ends with
    /// every window published exactly once: nothing of the restored state fires again, nothing is read again.
    /// </summary>
    [Fact]
    public async Task A_failover_after_the_final_checkpoint_must_not_fire_or_publish_anything_twice()
    {
        var input = BoundedJobs.Clicks(1_200, 3);
        var expected = BoundedJobs.WindowCounts(input.SelectMany(p => p).Select(c => c.Value));
        var sink = new ListCheckpointedSink { FailFirstPublication = true };
        var options = new JobRunnerOptions { CheckpointInterval = null, RestartStrategy = RestartStrategy.FixedDelay(3, TimeSpan.FromMilliseconds(100)) };
        var system = await ActorFlowCluster.StartNodeAsync("final-failover", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var running = await JobRunner.StartAsync(system, BoundedJobs.WindowedCount("final-failover", new BoundedListSource<Click>([.. input]), sink), options);
            var summary = await running.Completion.WaitAsync(TimeSpan.FromSeconds(90));

            Assert.True(summary.EndOfInput);
            Assert.True(sink.Failed, "the first publication did not fail: the test did not fail over");
            Assert.True(summary.Restarts >= 1);
            Assert.Equal(0, summary.LateRecords);
            Assert.Equal(expected, sink.Published.Order(StringComparer.Ordinal).ToList());
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    public void Dispose() => _data.Dispose();
}

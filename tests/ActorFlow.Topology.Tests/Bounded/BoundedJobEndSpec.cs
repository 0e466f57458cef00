using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.EndToEnd;

namespace ActorFlow.Topology.Tests.Bounded;

public sealed class BoundedJobEndSpec : IDisposable
{
    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-bounded-end");

    /// <summary>
    /// Verify that a keyed windowed job whose source is bounded ends by itself: every window fires at the end of the
    /// input (the last ones only through the end-of-input watermark), a final checkpoint publishes the exactly-once
    /// sink's last epoch, and Completion's summary counts what the job did.
    /// </summary>
    [Fact]
    public async Task A_bounded_windowed_job_must_end_by_itself_with_every_window_fired_and_published()
    {
        var input = BoundedJobs.Clicks(4_000, 4);
        // An empty partition too: it must not hold the job back.
        input.Add([]);
        var sink = new ListCheckpointedSink();
        var system = await ActorFlowCluster.StartNodeAsync("bounded-end", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var job = BoundedJobs.WindowedCount("bounded-end", new BoundedListSource<Click>([.. input]), sink);
            var running = await JobRunner.StartAsync(system, job, new JobRunnerOptions { CheckpointInterval = TimeSpan.FromMilliseconds(300) });

            var summary = await running.Completion.WaitAsync(TimeSpan.FromSeconds(60));

            var expected = BoundedJobs.WindowCounts(input.SelectMany(p => p).Select(c => c.Value));
            Assert.Equal(expected, sink.Published.Order(StringComparer.Ordinal).ToList());
            Assert.True(summary.EndOfInput);
            Assert.Equal("bounded-end", summary.Job);
            Assert.Equal(4_000, summary.RecordsRead);
            Assert.Equal(expected.Count, summary.RecordsEmitted);
            Assert.Equal(0, summary.DeadLetters);
            Assert.Equal(0, summary.LateRecords);
            Assert.True(summary.Checkpoints >= 1, $"checkpoints: {summary.Checkpoints}");
            Assert.True(running.LastCompletedCheckpoint >= summary.Checkpoints);
            Assert.True(summary.Duration > TimeSpan.Zero);
            Assert.Equal(Operators.Watermark.EndOfInput, running.CurrentWatermark);
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    public void Dispose() => _data.Dispose();
}

using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.EndToEnd;

namespace ActorFlow.Topology.Tests.Bounded;

public sealed class BoundedRestartSpec : IDisposable
{
    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-bounded-restart");

    /// <summary>
    /// Verify that stopping a bounded job before its input ended behaves as for any job (no end-of-input watermark,
    /// the summary says it was stopped), and that starting it again restores its last checkpoint, reads the rest of
    /// the input, and ends by itself with every window published exactly once.
    /// </summary>
    [Fact]
    public async Task A_stopped_bounded_job_must_resume_from_its_checkpoint_and_still_end()
    {
        var input = BoundedJobs.Clicks(3_000, 3);
        var expected = BoundedJobs.WindowCounts(input.SelectMany(p => p).Select(c => c.Value));
        var sink = new ListCheckpointedSink();
        var options = new JobRunnerOptions { CheckpointInterval = null };
        long checkpointed;

        // First run: every partition holds back its records from offset 600 on; stopped after a checkpoint.
        var gated = new BoundedListSource<Click>([.. input]) { GateAt = 600, Gated = [0, 1, 2] };
        var system = await ActorFlowCluster.StartNodeAsync("bounded-restart", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var running = await JobRunner.StartAsync(system, BoundedJobs.WindowedCount("bounded-restart", gated, sink), options);
            await AwaitAsync(() => running.CurrentWatermark > BoundedJobs.Base + 1_000);
            var checkpoint = await running.CheckpointAsync();
            await running.StopAsync(TimeSpan.FromSeconds(30));
            var stopped = await running.Completion;

            Assert.False(stopped.EndOfInput);
            Assert.NotEqual(Operators.Watermark.EndOfInput, running.CurrentWatermark);
            checkpointed = checkpoint.Offsets.Sum(o => o.Offset);
            Assert.InRange(checkpointed, 1, 1_800);
            Assert.InRange(sink.Published.Count, 0, expected.Count - 1);
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }

        // Second run: restores that checkpoint, reads the rest and ends.
        system = await ActorFlowCluster.StartNodeAsync("bounded-restart", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var running = await JobRunner.StartAsync(system, BoundedJobs.WindowedCount("bounded-restart", new BoundedListSource<Click>([.. input]), sink), options);
            var summary = await running.Completion.WaitAsync(TimeSpan.FromSeconds(60));

            Assert.True(summary.EndOfInput);
            Assert.Equal(3_000 - checkpointed, summary.RecordsRead); // the rest only
            Assert.Equal(expected, sink.Published.Order(StringComparer.Ordinal).ToList());
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    public void Dispose() => _data.Dispose();

    private static async Task AwaitAsync(Func<bool> condition)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(20, cts.Token);
        }
    }
}

using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.EndToEnd;

namespace ActorFlow.Topology.Tests.Bounded;

public sealed class BoundedRerunSpec : IDisposable
{
    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-bounded-rerun");

    /// <summary>
    /// Verify that a bounded job run again after it ended (same name, same state store) reads the input added since,
    /// from the offsets its final checkpoint holds, and counts it: the end-of-input watermark of that checkpoint is
    /// not restored (as in Flink, which restores no watermark), so the new records are not judged late. Before the fix
    /// every new record went to the late output and no window of the second run was published.
    /// </summary>
    [Theory]
    [InlineData(ExecutionMode.Streaming)]
    [InlineData(ExecutionMode.Batch)]
    public async Task A_bounded_job_run_again_must_count_the_input_added_since_its_end(ExecutionMode mode)
    {
        var first = BoundedJobs.Clicks(1_500, 3);
        var added = BoundedJobs.Clicks(900, 3, seed: 9)
            .Select(p => p.Select(c => (Value: c.Value with { Time = c.Time + 3_600_000 }, Time: c.Time + 3_600_000)).ToList())
            .ToList();
        var sink = new ListCheckpointedSink();
        var options = new JobRunnerOptions { ExecutionMode = mode, CheckpointInterval = null };

        var firstRun = await RunToEndAsync(first, sink, options);
        Assert.Equal(1_500, firstRun.RecordsRead);
        var firstWindows = BoundedJobs.WindowCounts(first.SelectMany(p => p).Select(c => c.Value));
        Assert.Equal(firstWindows, sink.Published.Order(StringComparer.Ordinal).ToList());

        // The same partitions, grown by records an hour later.
        var grown = first.Select((p, i) => p.Concat(added[i]).ToList()).ToList();
        var secondRun = await RunToEndAsync(grown, sink, options);

        Assert.Equal(900, secondRun.RecordsRead); // from where the first run ended
        Assert.Equal(0, secondRun.LateRecords);
        var expected = firstWindows.Concat(BoundedJobs.WindowCounts(added.SelectMany(p => p).Select(c => c.Value))).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, sink.Published.Order(StringComparer.Ordinal).ToList());
    }

    public void Dispose() => _data.Dispose();

    private async Task<JobSummary> RunToEndAsync(List<List<(Click Value, long Time)>> input, ListCheckpointedSink sink, JobRunnerOptions options)
    {
        var system = await ActorFlowCluster.StartNodeAsync("bounded-rerun", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var running = await JobRunner.StartAsync(system, BoundedJobs.WindowedCount("bounded-rerun", new BoundedListSource<Click>([.. input]), sink), options);
            var summary = await running.Completion.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(summary.EndOfInput);
            return summary;
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }
}

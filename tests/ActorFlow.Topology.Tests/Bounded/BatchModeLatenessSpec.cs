using System.Collections.Concurrent;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.EndToEnd;

namespace ActorFlow.Topology.Tests.Bounded;

public sealed class BatchModeLatenessSpec : IDisposable
{
    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-batch-late");

    /// <summary>
    /// Verify that in batch mode event time stands still until the end of the input, as in Flink's batch mode: each
    /// record that a streaming run drops as late (it comes 9.5 to 19 s of event time after a newer one, with 1 s of allowed
    /// out-of-orderness; watermarks per record and one record per chunk, so the streaming run's watermark has passed it
    /// whatever the timing) is counted in its window, and no record is late.
    /// </summary>
    [Fact]
    public async Task Batch_mode_must_count_a_record_that_streaming_drops_as_late()
    {
        const long b = BoundedJobs.Base;
        List<(Click Value, long Time)> input =
        [
            (new Click("a", b + 10_000), b + 10_000),
            (new Click("b", b + 20_000), b + 20_000),
            (new Click("a", b + 1_000), b + 1_000),
            (new Click("a", b + 10_500), b + 10_500),
        ];
        var everything = new[] { "a|" + (b + 1_000) + "|1", "a|" + (b + 10_000) + "|2", "b|" + (b + 20_000) + "|1" };

        var system = await ActorFlowCluster.StartNodeAsync("batch-late", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var streamed = new ConcurrentQueue<string>();
            var streaming = await JobRunner.StartAsync(system, BoundedJobs.WindowedCount("late-streaming", new BoundedListSource<Click>([input], chunk: 1), new QueueSink<string>(streamed), BoundedJobs.PerRecordWatermarks));
            var streamingSummary = await streaming.Completion.WaitAsync(TimeSpan.FromSeconds(60));

            var batched = new ConcurrentQueue<string>();
            var batch = await JobRunner.StartAsync(system, BoundedJobs.WindowedCount("late-batch", new BoundedListSource<Click>([input], chunk: 1), new QueueSink<string>(batched), BoundedJobs.PerRecordWatermarks),
                new JobRunnerOptions { ExecutionMode = ExecutionMode.Batch, BatchKeyGroupParallelism = 3 });
            var batchSummary = await batch.Completion.WaitAsync(TimeSpan.FromSeconds(60));

            // The input is late when streamed: the streaming run drops a's records at 1 s and 10.5 s (behind 19 s).
            Assert.Equal(2, streamingSummary.LateRecords);
            Assert.Equal(["a|" + (b + 10_000) + "|1", "b|" + (b + 20_000) + "|1"], streamed.Order(StringComparer.Ordinal));

            Assert.Equal(0, batchSummary.LateRecords);
            Assert.Equal(everything, batched.Order(StringComparer.Ordinal));
            Assert.True(batchSummary.EndOfInput);
            Assert.Equal(4, batchSummary.RecordsRead);
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    public void Dispose() => _data.Dispose();
}

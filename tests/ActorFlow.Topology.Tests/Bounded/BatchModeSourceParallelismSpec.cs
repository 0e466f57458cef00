using System.Collections.Concurrent;
using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.EndToEnd;

namespace ActorFlow.Topology.Tests.Bounded;

public sealed class BatchModeSourceParallelismSpec : IDisposable
{
    private const int Partitions = 8;

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-batch-source-parallelism");

    /// <summary>
    /// Verify that batch mode reads the partitions of a source whose partitions can wait (files) a few at a time, one
    /// after another (<c>BatchSourceParallelism</c>), and still counts every record: 8 partitions of 300 records in
    /// chunks of 20, exactly 2 running at once, the same windows as the records give.
    /// </summary>
    [Fact]
    public async Task Batch_mode_must_read_partitions_that_can_wait_a_few_at_a_time()
    {
        var input = BoundedJobs.Clicks(Partitions * 300, Partitions);
        // Every partition holds its records after its first chunk until 2 run at once (a runtime reading one at a time never ends).
        var source = new BoundedListSource<Click>(input, chunk: 20)
        {
            PartitionsCanWait = true,
            Gated = [.. Enumerable.Range(0, Partitions)],
            GateAt = 20,
            OpenGateWhenActive = 2,
        };
        var (results, summary) = await RunAsync("parallelism-batch", source, ExecutionMode.Batch, batchSourceParallelism: 2);

        Assert.Equal(2, source.MostActive);
        Assert.Equal(Partitions * 300, summary.RecordsRead);
        Assert.Equal(BoundedJobs.WindowCounts(input.SelectMany(p => p.Select(r => r.Value))), results);
    }

    /// <summary>
    /// Verify that every partition runs at once where the runtime needs it: in streaming mode (the combined watermark
    /// must cover every partition, or records of a partition started later would be late) even when the partitions
    /// could wait, and in batch mode when they cannot (a Kafka consumer's). Every partition holds its records after
    /// its first chunk until all 8 run at once, so a runtime that read fewer at a time would never end.
    /// </summary>
    [Theory]
    [InlineData(ExecutionMode.Streaming, true)]
    [InlineData(ExecutionMode.Batch, false)]
    public async Task Every_partition_must_run_at_once_in_streaming_mode_or_when_partitions_cannot_wait(ExecutionMode mode, bool canWait)
    {
        var input = BoundedJobs.Clicks(Partitions * 100, Partitions);
        var source = new BoundedListSource<Click>(input, chunk: 20)
        {
            PartitionsCanWait = canWait,
            Gated = [.. Enumerable.Range(0, Partitions)],
            GateAt = 20,
            OpenGateWhenActive = Partitions,
        };
        var (results, summary) = await RunAsync($"parallelism-{mode}-{canWait}".ToLowerInvariant(), source, mode, batchSourceParallelism: 2);

        Assert.Equal(Partitions, source.MostActive);
        Assert.Equal(Partitions * 100, summary.RecordsRead);
        Assert.Equal(0, summary.LateRecords);
        Assert.Equal(BoundedJobs.WindowCounts(input.SelectMany(p => p.Select(r => r.Value))), results);
    }

    /// <summary>
    /// Verify that a batch job stopped while some partitions have not started resumes them from the start: one
    /// partition at a time, the first one holds its records from offset 600 on, so a checkpoint taken then covers 600
    /// records of it and nothing of the two others (their windows' timers still deferred in the key groups); started
    /// again, the job restores that checkpoint, reads the other 2,400 records and publishes every window once.
    /// </summary>
    [Fact]
    public async Task A_stopped_batch_job_must_read_the_partitions_it_had_not_started_when_resumed()
    {
        var input = BoundedJobs.Clicks(3_000, 3);
        var expected = BoundedJobs.WindowCounts(input.SelectMany(p => p).Select(c => c.Value));
        var sink = new ListCheckpointedSink();
        var options = new JobRunnerOptions { ExecutionMode = ExecutionMode.Batch, BatchSourceParallelism = 1 };
        var gated = new BoundedListSource<Click>([.. input]) { PartitionsCanWait = true, GateAt = 600, Gated = [0, 1, 2] };
        var data = Path.Combine(_data.Path, "resume");

        var system = await ActorFlowCluster.StartNodeAsync("parallelism-resume", StateStoreSettings.Sqlite(data));
        try
        {
            var running = await JobRunner.StartAsync(system, BoundedJobs.WindowedCount("parallelism-resume", gated, sink), options);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var checkpoint = await running.CheckpointAsync();
            while (checkpoint.Offsets.Sum(o => o.Offset) < 600)
            {
                await Task.Delay(20, cts.Token);
                checkpoint = await running.CheckpointAsync();
            }

            await running.StopAsync(TimeSpan.FromSeconds(30));
            var stopped = await running.Completion;

            Assert.False(stopped.EndOfInput);
            Assert.Equal(1, gated.MostActive);
            Assert.Equal([(0, 600L)], checkpoint.Offsets.Where(o => o.Offset > 0).Select(o => (o.Partition, o.Offset)));
            Assert.Empty(sink.Published);
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }

        system = await ActorFlowCluster.StartNodeAsync("parallelism-resume", StateStoreSettings.Sqlite(data));
        try
        {
            var running = await JobRunner.StartAsync(system, BoundedJobs.WindowedCount("parallelism-resume", new BoundedListSource<Click>([.. input]) { PartitionsCanWait = true }, sink), options);
            var summary = await running.Completion.WaitAsync(TimeSpan.FromSeconds(60));

            Assert.True(summary.EndOfInput);
            Assert.Equal(2_400, summary.RecordsRead);
            Assert.Equal(expected, sink.Published.Order(StringComparer.Ordinal).ToList());
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>Verify that a batch source parallelism below 1 fails the start with a clear error.</summary>
    [Fact]
    public async Task A_batch_source_parallelism_below_one_must_fail_the_start()
    {
        var system = await ActorFlowCluster.StartNodeAsync("parallelism-invalid", StateStoreSettings.Sqlite(Path.Combine(_data.Path, "invalid")));
        try
        {
            var source = new BoundedListSource<Click>(BoundedJobs.Clicks(10, 1)) { PartitionsCanWait = true };
            var error = await Assert.ThrowsAsync<ArgumentException>(() => JobRunner.StartAsync(system,
                BoundedJobs.WindowedCount("parallelism-invalid", source, new QueueSink<string>(new ConcurrentQueue<string>())),
                new JobRunnerOptions { ExecutionMode = ExecutionMode.Batch, BatchSourceParallelism = 0 }));
            Assert.Contains("BatchSourceParallelism = 0", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    public void Dispose() => _data.Dispose();

    private async Task<(List<string> Results, JobSummary Summary)> RunAsync(string name, BoundedListSource<Click> source, ExecutionMode mode, int batchSourceParallelism)
    {
        var system = await ActorFlowCluster.StartNodeAsync(name, StateStoreSettings.Sqlite(Path.Combine(_data.Path, name)));
        try
        {
            var results = new ConcurrentQueue<string>();
            var running = await JobRunner.StartAsync(system, BoundedJobs.WindowedCount(name, source, new QueueSink<string>(results)),
                new JobRunnerOptions { ExecutionMode = mode, BatchSourceParallelism = batchSourceParallelism });
            var summary = await running.Completion.WaitAsync(TimeSpan.FromSeconds(60));
            return ([.. results.Order(StringComparer.Ordinal)], summary);
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }
}

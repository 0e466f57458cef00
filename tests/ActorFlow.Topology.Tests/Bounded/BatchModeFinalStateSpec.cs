using System.Collections.Concurrent;
using System.Globalization;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.Graphs;

namespace ActorFlow.Topology.Tests.Bounded;

public sealed class BatchModeFinalStateSpec : IDisposable
{
    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-batch-state");

    /// <summary>
    /// Verify that a batch-mode run, which takes no periodic checkpoint, leaves its key groups' state in its final
    /// checkpoint as a streaming run does: a new node on the same store starts the job again from that checkpoint, reads
    /// only the records after it, and the running totals per user go on from the batch run's.
    /// </summary>
    [Fact]
    public async Task A_batch_run_must_leave_its_key_groups_state_in_its_final_checkpoint()
    {
        const long b = BoundedJobs.Base;
        var all = Enumerable.Range(0, 48).Select(i => (Value: $"user-{i % 4}|{i}|1", Time: b + (i * 10L))).ToList();

        var batched = new ConcurrentQueue<string>();
        var system = await ActorFlowCluster.StartNodeAsync("batch-state", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var batch = await JobRunner.StartAsync(system, Job(new BoundedListSource<string>([all[..40]], chunk: 7), new QueueSink<string>(batched)),
                new JobRunnerOptions { ExecutionMode = ExecutionMode.Batch, BatchKeyGroupParallelism = 3 });
            var summary = await batch.Completion.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(summary.EndOfInput);
            Assert.Equal(1, summary.Checkpoints);
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }

        Assert.Equal(40, batched.Count);
        Assert.Equal(["user-0|10", "user-1|10", "user-2|10", "user-3|10"], LastTotals(batched));

        var resumed = new ConcurrentQueue<string>();
        system = await ActorFlowCluster.StartNodeAsync("batch-state", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var streaming = await JobRunner.StartAsync(system, Job(new BoundedListSource<string>([all], chunk: 7), new QueueSink<string>(resumed)));
            await streaming.Completion.WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }

        // Records 40 to 47 only, each user's total going on from 10 (a lost state would start again at 1).
        Assert.Equal(8, resumed.Count);
        Assert.Equal(["user-0|12", "user-1|12", "user-2|12", "user-3|12"], LastTotals(resumed));
        Assert.All(resumed, line => Assert.InRange(Total(line), 11, 12));
    }

    public void Dispose() => _data.Dispose();

    private static StreamJob Job(BoundedListSource<string> source, QueueSink<string> sink) =>
        StreamJobBuilder.Create("batch-state")
            .FromSource("lines", source, WatermarkStrategy<string>.ForBoundedOutOfOrderness(TimeSpan.Zero))
            .KeyBy(line => line.Split('|')[0])
            .Process("total", () => KeyedProcessOperators.Create(new GraphJobs.RunningTotal()))
            .To(sink)
            .Build();

    private static long Total(string line) => long.Parse(line.Split('|')[2], CultureInfo.InvariantCulture);

    private static List<string> LastTotals(IEnumerable<string> lines) =>
        [.. lines.GroupBy(l => l.Split('|')[0]).Select(g => $"{g.Key}|{g.Max(Total)}").Order(StringComparer.Ordinal)];
}

using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.EndToEnd;
using Akka;
using Akka.Streams.Dsl;

namespace ActorFlow.Topology.Tests.Bounded;

public sealed class BatchModeRefusalSpec : IDisposable
{
    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-batch-refusal");

    /// <summary>Verify that batch mode refuses a job with an unbounded source at start, naming the source and the mode to use.</summary>
    [Fact]
    public async Task Batch_mode_must_refuse_an_unbounded_source()
    {
        var system = await ActorFlowCluster.StartNodeAsync("batch-refusal", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var job = BoundedJobs.WindowedCount("batch-refusal", new Unbounded(), new ListCheckpointedSink());

            var error = await Assert.ThrowsAsync<ArgumentException>(() => JobRunner.StartAsync(system, job, new JobRunnerOptions { ExecutionMode = ExecutionMode.Batch }));

            Assert.Contains("'clicks' is unbounded", error.Message, StringComparison.Ordinal);
            Assert.Contains("ExecutionMode.Streaming", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    public void Dispose() => _data.Dispose();

    /// <summary>A source that never says it ends (the default boundedness).</summary>
    private sealed class Unbounded : ISourceConnector<Click>
    {
        public Source<(string Partition, Source<IReadOnlyList<SourceRecord<Click>>, NotUsed> Records), ISourceControl> Partitions(IReadOnlyDictionary<string, long> startOffsets) =>
            throw new InvalidOperationException("batch mode must refuse the job before reading");
    }
}

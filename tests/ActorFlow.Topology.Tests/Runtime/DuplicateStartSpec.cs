using System.Collections.Concurrent;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Persistence.Config;
using ActorFlow.TestKit;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using Akka;
using Akka.Actor;
using Akka.Streams.Dsl;

namespace ActorFlow.Topology.Tests.Runtime;

/// <summary>
/// A job runs once per node: a second start of a job that is running there fails at once, naming the job (it read the
/// input a second time into the same key groups and wrote checkpoints under the same ids, as Flink refuses a second
/// submission of a running job); once the job stopped it starts again.
/// </summary>
public sealed class DuplicateStartSpec : IDisposable
{
    private const string Job = "duplicate-start";
    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-duplicate-start");

    /// <summary>Verify that the second start is refused while the first runs, and that a start after the stop runs.</summary>
    [Fact]
    public async Task A_second_start_of_a_running_job_must_fail_until_it_stopped()
    {
        var system = await ActorFlowCluster.StartNodeAsync(Job, StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var seen = new ConcurrentQueue<long>();
            var first = await JobRunner.StartAsync(system, Build(seen), new JobRunnerOptions { CheckpointInterval = null });
            await Poll.UntilAsync(() => Task.FromResult(seen.Count == 20), TimeSpan.FromSeconds(30));

            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => JobRunner.StartAsync(system, Build(seen)));
            Assert.Contains($"Job '{Job}' is running on this node", refused.Message, StringComparison.Ordinal);
            Assert.Equal(20, seen.Count);

            await first.StopAsync(TimeSpan.FromSeconds(30));
            var again = await JobRunner.StartAsync(system, Build(seen), new JobRunnerOptions { CheckpointInterval = null });
            await Poll.UntilAsync(() => Task.FromResult(seen.Count == 40), TimeSpan.FromSeconds(30));
            await again.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    public void Dispose() => _data.Dispose();

    private static StreamJob Build(ConcurrentQueue<long> seen)
    {
        var builder = StreamJobBuilder.Create(Job);
        builder.FromSource("numbers", new OpenEndedNumbers(20), WatermarkStrategy<long>.ForMonotonousTimestamps().WithTimestampAssigner((n, _) => n))
            .To(new QueueSink<long>(seen));
        return builder.Build();
    }
}

using ActorFlow.Kafka.Embedded;
using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Runtime;

namespace ActorFlow.Topology.Tests.Runtime;

/// <summary>
/// A running job's <see cref="RunningJob.Completion"/> completes when its node's actor system terminates under it
/// (downed by the cluster, terminated by code): a caller awaiting it waited for good (found by a review of the Generic
/// Host integration, whose host then never stopped).
/// </summary>
public sealed class NodeTerminatedCompletionSpec : IDisposable
{
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 2, ["counts"] = 1 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-node-terminated");

    /// <summary>Verify that the completion fails, naming the node's termination, once the actor system is gone.</summary>
    [Fact]
    public async Task A_jobs_completion_must_end_when_its_node_terminates()
    {
        var system = await ActorFlowCluster.StartNodeAsync("node-terminated", StateStoreSettings.Sqlite(_data.Path));
        var job = await JobRunner.StartAsync(system, new ClickTopics(_kafka, partitions: 2).ExactlyOnceCountJob(system, "node-terminated", "node-terminated"));

        await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));

        var ended = await Assert.ThrowsAsync<InvalidOperationException>(() => job.Completion.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("ended with its node", ended.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _kafka.Dispose();
        _data.Dispose();
    }
}

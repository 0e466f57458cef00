using System.Globalization;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Persistence.Config;
using ActorFlow.TestKit;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.EndToEnd;

namespace ActorFlow.Topology.Tests.Connectors;

public sealed class ManualAssignmentWithoutGroupSpec : IDisposable
{
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 2, ["counts"] = 1 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-no-group");

    /// <summary>Verify that a job reading a manual assignment needs no group.id: it runs, checkpoints and writes every window.</summary>
    [Fact]
    public async Task A_job_with_a_manual_assignment_must_run_without_a_group_id()
    {
        var topics = new ClickTopics(_kafka, partitions: 2);
        var clicks = Enumerable.Range(0, 300).Select(i => new Click("user-" + (i % 3).ToString(CultureInfo.InvariantCulture), ClickTopics.Base + (i * 10))).ToList();
        topics.Produce(clicks);
        topics.ProduceEnd();
        var system = await ActorFlowCluster.StartNodeAsync("no-group", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var job = await JobRunner.StartAsync(system, topics.ExactlyOnceCountJob(system, "no-group", group: null), new JobRunnerOptions { CheckpointInterval = TimeSpan.FromMilliseconds(200) });
            var expected = ClickTopics.CountsPerSecond(clicks);
            await Poll.UntilAsync(() => topics.Latest("counts").Count >= expected.Count, TimeSpan.FromSeconds(60));
            await job.StopAsync(TimeSpan.FromSeconds(30));

            Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), topics.Latest("counts").OrderBy(e => e.Key, StringComparer.Ordinal));
            Assert.Equal(0, job.Restarts);
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    public void Dispose()
    {
        _kafka.Dispose();
        _data.Dispose();
    }
}

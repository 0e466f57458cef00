using System.Globalization;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.EndToEnd;

namespace ActorFlow.Topology.Tests.Checkpoints;

/// <summary>
/// A job stopped and started again on the same node restores its last complete checkpoint in fresh key groups and
/// counts every record once, without a failover. Before, the stopped run's key groups stayed alive with its state: the
/// start waited a checkpoint timeout (60 s) for restores they never reported, and the first batch found them holding an
/// earlier run's batches, so the job failed over (found by a Kafka user's review).
/// </summary>
public sealed class SameNodeRestartSpec : IDisposable
{
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 2, ["counts"] = 1 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-same-node-restart");

    /// <summary>Verify that a stop and a start in one actor system give exact counts without a failover.</summary>
    [Fact]
    public async Task A_job_started_again_on_its_node_must_restore_without_a_failover()
    {
        var topics = new ClickTopics(_kafka, partitions: 2);
        var clicks = Enumerable.Range(0, 400)
            .Select(i => new Click("user-" + (i % 7).ToString(CultureInfo.InvariantCulture), ClickTopics.Base + (i * 20)))
            .ToList();
        var expected = clicks.GroupBy(c => $"{c.User}|{c.Time - (c.Time % 1000)}").Select(g => $"{g.Key}|{g.Count()}").Order(StringComparer.Ordinal).ToList();
        var system = await ActorFlowCluster.StartNodeAsync("same-node-restart", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var options = new JobRunnerOptions { CheckpointInterval = null };
            topics.Produce(clicks.Take(200));
            var first = await JobRunner.StartAsync(system, Job(system, topics), options);
            await ClickTopics.CheckpointUntilAsync(first, c => c.Offsets.Sum(o => o.Offset) == 200, "a checkpoint after the first half");
            await first.StopAsync(TimeSpan.FromSeconds(30));

            topics.Produce(clicks.Skip(200));
            topics.ProduceEnd();
            var second = await JobRunner.StartAsync(system, Job(system, topics), options).WaitAsync(TimeSpan.FromSeconds(30));
            await topics.ReadAfterCheckpointsAsync(second, counts => counts.Count >= expected.Count, "every window's count");

            Assert.Equal(expected, topics.Read("counts").Order(StringComparer.Ordinal));
            Assert.Equal(0, second.Restarts);
            await second.StopAsync(TimeSpan.FromSeconds(30));
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

    private static Topology.Dsl.StreamJob Job(Akka.Actor.ActorSystem system, ClickTopics topics) =>
        topics.ExactlyOnceCountJob(system, "same-node-restart", "same-node-restart");
}

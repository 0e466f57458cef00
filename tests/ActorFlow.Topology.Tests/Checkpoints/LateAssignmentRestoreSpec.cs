using ActorFlow.Kafka.Embedded;
using ActorFlow.Persistence.Config;
using ActorFlow.TestKit;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.EndToEnd;
using Confluent.Kafka;

namespace ActorFlow.Topology.Tests.Checkpoints;

/// <summary>
/// A job restored from a checkpoint whose consumer group gives it the restored partitions one at a time (a crashed
/// run's member keeps its partitions until its session times out) counts every record: the partitions not yet assigned
/// hold the watermark as Flink's restored splits do. Before, the watermark was the minimum over the partitions assigned
/// so far: the first one moved event time past the records the others delivered later, which became late and were lost
/// from exactly-once output (found by a Kafka user's kill -9 test: 158 of 300 windows).
/// </summary>
public sealed class LateAssignmentRestoreSpec : IDisposable
{
    private const string Group = "late-assignment";

    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 2, ["counts"] = 1 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-late-assignment");

    /// <summary>Verify that a partition the group assigns after another one's records moved far ahead is counted, not late.</summary>
    [Fact]
    public async Task A_restored_partition_assigned_late_must_hold_the_watermark()
    {
        var topics = new ClickTopics(_kafka, partitions: 2);
        ProduceToEach(new Click("a", ClickTopics.Base));
        var system = await ActorFlowCluster.StartNodeAsync("late-assignment-1", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var job = await JobRunner.StartAsync(system, Job(system, topics), new JobRunnerOptions { CheckpointInterval = null });
            await ClickTopics.CheckpointUntilAsync(job, c => c.Offsets.Count(o => o.Offset == 1) == 2, "a checkpoint naming both partitions");
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30)); // a crash: no stop
        }

        // Later clicks in both partitions, then a far-future one in each: the partition read first moves event time far.
        ProduceToEach(new Click("b", ClickTopics.Base + 5_000));
        topics.ProduceEnd();

        // Another member of the group holds both partitions when the job restarts; the job gets one, the other later.
        var config = new ConsumerConfig { BootstrapServers = _kafka.BootstrapServers, GroupId = Group, EnableAutoCommit = false, AutoOffsetReset = AutoOffsetReset.Earliest };
        config.Set("group.protocol", "consumer");
        using var holding = new CancellationTokenSource();
        var assigned = 0;
        var other = Task.Factory.StartNew(
            () =>
            {
                using var member = new ConsumerBuilder<Ignore, Ignore>(config).Build();
                member.Subscribe("clicks");
                while (!holding.IsCancellationRequested)
                {
                    member.Consume(TimeSpan.FromMilliseconds(50));
                    Volatile.Write(ref assigned, member.Assignment.Count);
                }

                member.Close();
            },
            TaskCreationOptions.LongRunning);
        await Poll.UntilAsync(() => Volatile.Read(ref assigned) == 2, TimeSpan.FromSeconds(60), "the other member holding both partitions");

        system = await ActorFlowCluster.StartNodeAsync("late-assignment-2", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var job = await JobRunner.StartAsync(system, Job(system, topics), new JobRunnerOptions { CheckpointInterval = null });
            // The job reads one partition to its far-future click while the other member keeps the other one.
            await ClickTopics.CheckpointUntilAsync(job, c => c.Offsets.Any(o => o.Offset == 3), "a checkpoint after one partition's far-future click");
            Assert.Equal(1, Volatile.Read(ref assigned));
            holding.Cancel(); // it leaves: the job gets the other partition
            await other.WaitAsync(TimeSpan.FromSeconds(30));

            await topics.ReadAfterCheckpointsAsync(job, counts => counts.Any(c => c.StartsWith("b|", StringComparison.Ordinal)), "the later window's count");
            Assert.Equal([$"a|{ClickTopics.Base}|2", $"b|{ClickTopics.Base + 5_000}|2"], topics.Read("counts").Order(StringComparer.Ordinal));
            await job.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            holding.Cancel();
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    public void Dispose()
    {
        _kafka.Dispose();
        _data.Dispose();
    }

    private static Topology.Dsl.StreamJob Job(Akka.Actor.ActorSystem system, ClickTopics topics) =>
        topics.ExactlyOnceCountJob(system, "late-assignment", Group, consumerSettings: c => c.WithProperty("auto.offset.reset", "earliest"), subscribe: true);

    /// <summary>Writes <paramref name="click"/> to each of the two partitions.</summary>
    private void ProduceToEach(Click click)
    {
        using var raw = new TestTopics(_kafka.BootstrapServers);
        var topic = raw.Topic("clicks", ClickTopics.Format);
        topic.ProduceTo(click, partition: 0);
        topic.ProduceTo(click, partition: 1);
    }
}

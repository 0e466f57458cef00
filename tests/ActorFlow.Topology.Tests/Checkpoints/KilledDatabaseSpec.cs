using System.Diagnostics;
using System.Globalization;
using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Operators.Windowing;
using ActorFlow.Persistence.Config;
using ActorFlow.TestKit;
using ActorFlow.Tests.Shared;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.EndToEnd;
using Akka.Actor;
using Confluent.Kafka;
using Xunit.Abstractions;
using CheckpointStore = ActorFlow.Persistence.Checkpoints.CheckpointStore;

namespace ActorFlow.Topology.Tests.Checkpoints;

/// <summary>
/// Issue 6: the PostgreSQL server holding a job's checkpoints is SIGKILLed while checkpoints run, then restarted.
/// The spec owns its server (not the shared <see cref="PostgresCollection"/> one), since it kills it.
/// </summary>
public sealed class KilledDatabaseSpec : IDisposable
{
    private const string Job = "killed-db-count";
    private readonly LocalPostgres _postgres = new();
    private readonly ITestOutputHelper _output;
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 4, ["counts"] = 1, ["replayed"] = 1 },
    });

    public KilledDatabaseSpec(ITestOutputHelper output) => _output = output;

    /// <summary>
    /// Verify that a database killed with SIGKILL while checkpoints run loses nothing that a complete checkpoint
    /// held: the job keeps running or fails over by itself, checkpoints complete again once the server is back, the
    /// exactly-once output holds every window once with the reference count, and a checkpoint that completed before
    /// the kill still restores (replayed from it into another topic, the output again adds up to the reference).
    /// </summary>
    [Fact]
    public async Task A_killed_database_must_lose_nothing_that_a_complete_checkpoint_held()
    {
        var clock = Stopwatch.StartNew();
        var topics = new ClickTopics(_kafka);
        var random = new Random(23);
        var clicks = Enumerable.Range(0, 6000)
            .Select(i => new Click("user-" + (i % 20).ToString(CultureInfo.InvariantCulture), ClickTopics.Base + (i * 2) + random.Next(-300, 300)))
            .ToList();
        var expected = ClickTopics.CountsPerSecond(clicks);
        var state = StateStoreSettings.PostgreSql(_postgres.CreateDatabase("killed"));
        var options = new JobRunnerOptions
        {
            CheckpointInterval = TimeSpan.FromMilliseconds(300),
            AskTimeout = TimeSpan.FromSeconds(2),
            RetainedCheckpoints = 1000, // the checkpoint taken before the kill is restored at the end
        };

        long beforeKill;
        var system = await ActorFlowCluster.StartNodeAsync("killed-db", state);
        try
        {
            var log = WarningLog.Collect(system);
            var job = await JobRunner.StartAsync(system, BuildJob(system, "counts"), options);
            topics.Produce(clicks.Take(2000));
            await Poll.UntilAsync(() => job.LastCompletedCheckpoint >= 2 && topics.Read("counts").Count > 0, TimeSpan.FromSeconds(60));
            topics.Produce(clicks.Skip(2000).Take(2000));

            // Checkpoints run every 300 ms: the kill lands during one, or between two.
            var failedBefore = job.FailedCheckpoints;
            var restartsBefore = job.Restarts;
            _postgres.Kill();
            _output.WriteLine($"{clock.ElapsedMilliseconds} ms: killed PostgreSQL (checkpoint {job.LastCompletedCheckpoint} complete)");
            await Poll.UntilAsync(() => job.FailedCheckpoints > failedBefore || job.Restarts > restartsBefore, TimeSpan.FromSeconds(30));
            beforeKill = job.LastCompletedCheckpoint; // a save in flight at the kill has failed or completed by now
            Assert.True(beforeKill >= 2, $"only checkpoint {beforeKill} completed before the kill");
            _postgres.Start();
            _output.WriteLine($"{clock.ElapsedMilliseconds} ms: PostgreSQL back (failed checkpoints {job.FailedCheckpoints}, restarts {job.Restarts})");

            // Nothing complete is lost: the restarted server holds the last checkpoint completed before the kill. A
            // fresh store, since the job's own keeps pooled connections to the killed server (each fails once).
            await using (var fresh = CheckpointStore.Create(state))
            {
                Assert.Equal(beforeKill, (await fresh.GetAsync(Job, beforeKill))?.CheckpointId);
                Assert.True((await fresh.LoadLatestAsync(Job))!.CheckpointId >= beforeKill);
            }

            await Poll.UntilAsync(() => job.LastCompletedCheckpoint > beforeKill, TimeSpan.FromSeconds(30));
            await using (var fresh = CheckpointStore.Create(state))
            {
                Assert.True((await fresh.LoadLatestAsync(Job))!.CheckpointId > beforeKill);
            }

            _output.WriteLine($"{clock.ElapsedMilliseconds} ms: checkpoint {job.LastCompletedCheckpoint} complete after the restart");

            topics.Produce(clicks.Skip(4000));
            topics.ProduceEnd();
            await Poll.UntilAsync(() => topics.Read("counts").Count >= expected.Count, TimeSpan.FromSeconds(60));
            await job.StopAsync(TimeSpan.FromSeconds(30));
            Assert.False(job.Completion.IsFaulted);
            _output.WriteLine($"{clock.ElapsedMilliseconds} ms: all windows out (failed checkpoints {job.FailedCheckpoints}, restarts {job.Restarts})");

            // The outage is logged once per failed checkpoint and failover, not once per key group (128 errors with
            // their stacks per checkpoint, and 128 warnings per failover, buried the lines that say what happened).
            _output.WriteLine($"{log.Count} warnings and errors logged");
            Assert.DoesNotContain(log, l => l.Contains("DeleteAsync operation after SaveSnapshot failure", StringComparison.Ordinal));
            Assert.DoesNotContain(log, l => l.Contains("Key group", StringComparison.Ordinal) && l.Contains("snapshot for checkpoint", StringComparison.Ordinal));
            Assert.True(log.Count(l => l.Contains("could not read the latest checkpoint", StringComparison.Ordinal)) <= job.Restarts + 1, string.Join("\n", log));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }

        var output = ReadWithEpochs("counts");
        AssertExactly(expected, output.Select(r => r.Value));

        // The checkpoint completed before the kill restores after it: a new node starts the job from it and writes
        // into another topic. The first run's output of the epochs before it plus the replay equals the reference.
        system = await ActorFlowCluster.StartNodeAsync("killed-db", state);
        try
        {
            var job = await JobRunner.StartAsync(system, BuildJob(system, "replayed"), options with { RestoreCheckpointId = beforeKill, CheckpointInterval = TimeSpan.FromSeconds(1) });
            var kept = output.Where(r => r.Epoch < beforeKill).Select(r => r.Value).ToList();
            await Poll.UntilAsync(() => kept.Count + topics.Read("replayed").Count >= expected.Count, TimeSpan.FromSeconds(60));
            await job.StopAsync(TimeSpan.FromSeconds(30));
            AssertExactly(expected, kept.Concat(ReadWithEpochs("replayed").Select(r => r.Value)));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }

        _output.WriteLine($"{clock.ElapsedMilliseconds} ms: replay from checkpoint {beforeKill} exact");
    }

    public void Dispose()
    {
        _kafka.Dispose();
        _postgres.Dispose();
    }

    /// <summary>Every window once ("user|start|count" records), each with the reference count.</summary>
    private static void AssertExactly(Dictionary<string, long> expected, IEnumerable<string> records)
    {
        var list = records.ToList();
        var repeated = list.GroupBy(r => r, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(repeated.Count == 0, $"written more than once: {string.Join(", ", repeated.Take(10))}");
        var counts = list.Select(r => r.Split('|')).ToDictionary(p => p[0] + "|" + p[1], p => long.Parse(p[2], CultureInfo.InvariantCulture));
        Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), counts.OrderBy(e => e.Key, StringComparer.Ordinal));
    }

    /// <summary>Every record of partition 0 of <paramref name="topic"/>, read committed, with the epoch it was published in.</summary>
    private List<(long Epoch, string Value)> ReadWithEpochs(string topic)
    {
        using var consumer = new ConsumerBuilder<Ignore, string>(new ConsumerConfig
        {
            BootstrapServers = _kafka.BootstrapServers,
            GroupId = "reader",
            IsolationLevel = IsolationLevel.ReadCommitted,
        }).Build();
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var end = consumer.QueryWatermarkOffsets(new TopicPartition(topic, 0), TimeSpan.FromSeconds(10)).High.Value;
        var all = new List<(long, string)>();
        while (all.Count < end && consumer.Consume(TimeSpan.FromSeconds(5)) is { } r)
        {
            Assert.True(r.Message.Headers.TryGetLastBytes("actorflow.epoch", out var epoch), "a record without its epoch header");
            all.Add((long.Parse(Encoding.ASCII.GetString(epoch), CultureInfo.InvariantCulture), r.Message.Value));
        }

        Assert.Equal(end, all.Count);
        return all;
    }

    private StreamJob BuildJob(ActorSystem system, string outputTopic) =>
        new ClickTopics(_kafka).ExactlyOnceCountJob(system, Job, "killed-db", outputTopic);
}

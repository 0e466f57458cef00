using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Settings;
using ActorFlow.Persistence.Config;
using ActorFlow.TestKit;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.EndToEnd;

namespace ActorFlow.Topology.Tests.Checkpoints;

/// <summary>
/// The plain Kafka sink is flushed at each checkpoint's barrier (as Flink's KafkaWriter): a completed checkpoint's output
/// is in the topic, so a crash after it loses nothing. The Kafka dead-letter sink too: a bad record a completed checkpoint
/// covers is never read again.
/// </summary>
public sealed class PlainSinkFlushSpec : IDisposable
{
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 4, ["counts"] = 1, ["dead"] = 1 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-plain-sink-flush");

    /// <summary>
    /// Verify that once a checkpoint taken after every window fired has completed, the windows are in the output topic
    /// although the producer lingers 30 s: the checkpoint waited for the sink's flush (it completed with the windows
    /// still in the client's queue, where a crash lost them).
    /// </summary>
    [Fact]
    public async Task A_completed_checkpoint_must_have_the_output_before_its_barrier_in_the_topic()
    {
        var topics = new ClickTopics(_kafka);
        var clicks = Enumerable.Range(0, 40).Select(i => new Click("u" + (i % 4), ClickTopics.Base + (i * 100))).ToList();
        var system = await ActorFlowCluster.StartNodeAsync("plain-sink-flush", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var sink = KafkaConnectors.Sink<string>(Lingering(system), "counts", s => (null, Encoding.UTF8.GetBytes(s)));
            var job = await JobRunner.StartAsync(system, topics.ExactlyOnceCountJob(system, "plain-sink-flush", "plain-sink-flush", sink: sink), new JobRunnerOptions { CheckpointInterval = null });
            topics.Produce(clicks);
            topics.ProduceEnd();
            await Poll.UntilAsync(() => job.CurrentWatermark >= ClickTopics.Base + 10_000, TimeSpan.FromSeconds(60));

            await job.CheckpointAsync().WaitAsync(TimeSpan.FromSeconds(60));

            Assert.Equal(ClickTopics.CountsPerSecond(clicks), topics.Latest("counts"));
            await job.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>
    /// Verify that once a checkpoint taken after three undecodable records has completed, their dead letters are in the
    /// dead-letter topic although its producer lingers 30 s (the checkpoint completed with them still in the client's
    /// queue, where a crash lost them for good: the restored run reads on after them), stamped when written.
    /// </summary>
    [Fact]
    public async Task A_completed_checkpoint_must_have_the_dead_letters_before_its_barrier_in_their_topic()
    {
        var topics = new ClickTopics(_kafka);
        var clicks = Enumerable.Range(0, 20).Select(i => new Click("u" + (i % 4), ClickTopics.Base + (i * 100))).ToList();
        var system = await ActorFlowCluster.StartNodeAsync("dead-letter-flush", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var job = await JobRunner.StartAsync(system, topics.ExactlyOnceCountJob(system, "dead-letter-flush", "dead-letter-flush",
                sink: topics.PlainSink(system),
                deadLetterSink: KafkaConnectors.DeadLetters(Lingering(system), "dead")), new JobRunnerOptions { CheckpointInterval = null });
            topics.Produce(clicks);
            topics.ProduceEnd();
            // The bad records after the end markers (the job's watermark is in 2023 by then), each followed by a later
            // click, so that a watermark past those clicks means every bad record was read.
            using (var raw = new TestTopics(_kafka.BootstrapServers))
            {
                var input = raw.Topic("clicks", TopicFormat.Utf8);
                var after = raw.Topic("clicks", ClickTopics.Format);
                for (var p = 0; p < 4; p++)
                {
                    if (p < 3)
                    {
                        input.ProduceRaw(Encoding.UTF8.GetBytes("u0"), Encoding.UTF8.GetBytes("not a time"), partition: p);
                    }

                    after.ProduceTo(new Click("zz-end", ClickTopics.Base + 20_000_000), partition: p);
                }
            }

            await Poll.UntilAsync(() => job.CurrentWatermark >= ClickTopics.Base + 19_000_000, TimeSpan.FromSeconds(60));

            await job.CheckpointAsync().WaitAsync(TimeSpan.FromSeconds(60));

            var letters = topics.ReadWithHeaders("dead");
            Assert.Equal(3, letters.Count);
            Assert.All(letters, l => Assert.Contains("decoding failed", l.Error, StringComparison.Ordinal));
            // Stamped when written, as the dead-letter sink's own stage writes them: not with the event time of 2023
            // the job's watermark was at (a topic's retention would delete them at once).
            using (var raw = new TestTopics(_kafka.BootstrapServers))
            {
                Assert.All(raw.Topic("dead", TopicFormat.Utf8).ReadRecordsToEnd(), r => Assert.True(
                    r.Timestamp > TimeProvider.System.GetUtcNow().AddHours(-1).ToUnixTimeMilliseconds(), $"dead letter stamped {r.Timestamp}"));
            }
            await job.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>A producer that holds what it takes for 30 s unless flushed.</summary>
    private ProducerSettings<byte[], byte[]> Lingering(Akka.Actor.ActorSystem system) =>
        ProducerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers)
            .WithProperty("linger.ms", "30000").WithProperty("message.timeout.ms", "120000").WithFlushTimeout(TimeSpan.FromSeconds(30));

    public void Dispose()
    {
        _kafka.Dispose();
        _data.Dispose();
    }
}

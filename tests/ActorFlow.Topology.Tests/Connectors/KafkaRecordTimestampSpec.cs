using System.Globalization;
using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Persistence.Config;
using ActorFlow.TestKit;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.EndToEnd;
using Confluent.Kafka;

namespace ActorFlow.Topology.Tests.Connectors;

/// <summary>
/// The Kafka sinks write each record's event timestamp as its Kafka timestamp (CreateTime), as Flink's KafkaSink does: a
/// window's result carries the window's last millisecond, a record the timestamp its source gave it. A job reading the
/// topic with Kafka timestamps as event time (the source's default) then sees the times the writing job computed in.
/// </summary>
public sealed class KafkaRecordTimestampSpec : IDisposable
{
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 2, ["counts"] = 2, ["counts-plain"] = 2, ["copies"] = 2 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-kafka-timestamps");

    /// <summary>
    /// Verify that window results written by the exactly-once sink and by the plain sink carry their window's last
    /// millisecond as Kafka timestamp, and that records of a stateless job carry the event time the timestamp assigner
    /// gave them (not the time the input records were produced).
    /// </summary>
    [Fact]
    public async Task Records_must_carry_their_event_timestamps_into_Kafka()
    {
        var topics = new ClickTopics(_kafka, partitions: 2);
        var clicks = Enumerable.Range(0, 400).Select(i => new Click("user-" + (i % 5).ToString(CultureInfo.InvariantCulture), ClickTopics.Base + (i * 17))).ToList();
        topics.Produce(clicks);
        topics.ProduceEnd();
        var system = await ActorFlowCluster.StartNodeAsync("kafka-timestamps", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var producer = ProducerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers);
            var options = new JobRunnerOptions { CheckpointInterval = TimeSpan.FromMilliseconds(200) };
            var windows = ClickTopics.CountsPerSecond(clicks).Count;
            var exactlyOnce = await JobRunner.StartAsync(system, topics.ExactlyOnceCountJob(system, "ts-eos", "ts-eos"), options);
            var plain = await JobRunner.StartAsync(system, topics.ExactlyOnceCountJob(system, "ts-plain", "ts-plain", sink: KafkaConnectors.Sink<string>(producer, "counts-plain", s => (Encoding.UTF8.GetBytes(s.Split('|')[0]), Encoding.UTF8.GetBytes(s)))), options);
            var copies = await JobRunner.StartAsync(system, CopyJob(system, producer), options);
            await Poll.UntilAsync(() => Read("counts").Count >= windows && Read("counts-plain").Count >= windows && Read("copies").Count >= clicks.Count, TimeSpan.FromSeconds(60));
            foreach (var job in new[] { exactlyOnce, plain, copies })
            {
                await job.StopAsync(TimeSpan.FromSeconds(30));
            }

            foreach (var topic in new[] { "counts", "counts-plain" })
            {
                var results = Read(topic).Where(r => !r.Value.StartsWith("zz-end", StringComparison.Ordinal)).ToList();
                Assert.Equal(windows, results.Count);
                foreach (var (value, timestamp) in results)
                {
                    var start = long.Parse(value.Split('|')[1], CultureInfo.InvariantCulture);
                    Assert.Equal((value, start + 999, TimestampType.CreateTime), (value, timestamp.UnixTimestampMs, timestamp.Type));
                }
            }

            var copied = Read("copies").Where(r => !r.Value.StartsWith("zz-end", StringComparison.Ordinal)).ToList();
            Assert.Equal(clicks.Count, copied.Count);
            Assert.All(copied, r => Assert.Equal((r.Value, long.Parse(r.Value.Split('|')[1], CultureInfo.InvariantCulture)), (r.Value, r.Timestamp.UnixTimestampMs)));
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

    /// <summary>A stateless job: each click copied as "user|time", event time from the click's own time.</summary>
    private StreamJob CopyJob(Akka.Actor.ActorSystem system, ProducerSettings<byte[], byte[]> producer)
    {
        var consumer = ConsumerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers).WithGroupId("ts-copy");
        return StreamJobBuilder.Create("ts-copy")
            .FromSource("clicks", KafkaConnectors.Source(consumer, Subscriptions.Topics("clicks"), ClickTopics.Format.FromKafka), WatermarkStrategy<Click>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(1)).WithTimestampAssigner((c, _) => c.Time))
            .Select(c => c.User + "|" + c.Time.ToString(CultureInfo.InvariantCulture))
            .To(KafkaConnectors.Sink<string>(producer, "copies", s => (null, Encoding.UTF8.GetBytes(s))))
            .Build();
    }

    /// <summary>
    /// Every record of <paramref name="topic"/> (both partitions), from the beginning to each partition's end
    /// (read_committed: to the last stable offset). A fresh consumer may take more than a few seconds for bootstrap,
    /// metadata and its first fetch on a loaded machine: it reads until partition EOF, 30 s at most in all, instead of
    /// stopping at the first poll that returns nothing.
    /// </summary>
    private List<(string Value, Timestamp Timestamp)> Read(string topic)
    {
        const int partitions = 2;
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(new ConsumerConfig
        {
            BootstrapServers = _kafka.BootstrapServers,
            GroupId = "read-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            EnablePartitionEof = true,
            IsolationLevel = IsolationLevel.ReadCommitted,
            FetchWaitMaxMs = 10,
        }).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var read = new List<(string, Timestamp)>();
        var atEnd = new HashSet<int>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (atEnd.Count < partitions)
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"Read {read.Count} record(s) of {topic} in 30 s; partitions at their end: {string.Join(",", atEnd)}.");
            }

            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is not { } r)
            {
                continue;
            }

            if (r.IsPartitionEOF)
            {
                atEnd.Add(r.Partition.Value);
            }
            else
            {
                atEnd.Remove(r.Partition.Value);
                read.Add((Encoding.UTF8.GetString(r.Message.Value), r.Message.Timestamp));
            }
        }

        return read;
    }
}

using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Operators.Windowing;
using ActorFlow.Persistence.Config;
using ActorFlow.TestKit;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using Akka;
using Akka.Streams.Dsl;
using Confluent.Kafka;

namespace ActorFlow.Topology.Tests.EndToEnd;

/// <summary>
/// Issue 14, defect 1: a record is late or on time by the job's watermark when it was read, the same in every key
/// group, including key groups that have received nothing before it.
/// </summary>
public sealed class LatenessSpec : IDisposable
{
    private const long Base = 1_700_000_000_000;
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 1 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-lateness");
    private readonly ConcurrentQueue<string> _counts = new();
    private readonly ConcurrentQueue<Click> _late = new();

    /// <summary>
    /// Verify that records 60 s behind the job's watermark are late in key groups that never saw a record (before
    /// the fix they were judged by the key group's own watermark, the minimum, and produced windows), as in the key
    /// group that did, and that records at a negative timestamp and at <c>long.MinValue + 1</c> (whose window start
    /// once overflowed to a huge positive number) are late too.
    /// </summary>
    [Fact]
    public async Task A_record_behind_the_watermark_must_be_late_in_every_key_group()
    {
        var system = await ActorFlowCluster.StartNodeAsync("lateness", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var consumer = ConsumerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers).WithGroupId("lateness");
            var job = StreamJobBuilder.Create("lateness")
                .FromSource("clicks", KafkaConnectors.Source(consumer, Subscriptions.Topics("clicks"), Decode),
                    WatermarkStrategy<Click>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(1)).WithTimestampAssigner((c, _) => c.Time))
                .KeyBy(c => c.User)
                .Process("count", () => WindowOperators.For<string, Click>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(10)))
                    .Aggregate(new CountAggregate(), new Label()))
                .SideOutputTo(OutputTags.LateData<Click>(), new QueueSink<Click>(_late))
                .To(new QueueSink<string>(_counts))
                .Build();
            var running = await JobRunner.StartAsync(system, job, new JobRunnerOptions { CheckpointInterval = null });

            // One user moves the watermark to ~Base + 99 s; wait until its windows up to Base + 80 s have fired.
            Produce(Enumerable.Range(0, 100).Select(i => new Click("a", Base + (i * 1000L))));
            await Poll.UntilAsync(() => _counts.Contains($"a|{Base + 80_000}|10"), TimeSpan.FromSeconds(60));

            // Then records 60 s behind it: for twelve users no key group has seen, for "a", and one before the epoch.
            var late = Enumerable.Range(0, 12).Select(i => new Click("new-" + i.ToString(CultureInfo.InvariantCulture), Base + 35_000))
                .Append(new Click("a", Base + 35_000))
                .Append(new Click("negative", -5_000))
                .Append(new Click("edge", long.MinValue + 1))
                .ToList();
            Produce(late);

            // A sentinel window fires in a later batch than any window the late records could have opened.
            Produce([new Click("sentinel", Base + 200_000), new Click("sentinel", Base + 300_000)]);
            await Poll.UntilAsync(() => _counts.Contains($"sentinel|{Base + 200_000}|1"), TimeSpan.FromSeconds(60));
            await running.StopAsync(TimeSpan.FromSeconds(30));

            Assert.DoesNotContain(_counts, c => c.StartsWith("new-", StringComparison.Ordinal) || c.StartsWith("negative", StringComparison.Ordinal) || c.StartsWith("edge", StringComparison.Ordinal));
            Assert.Single(_counts, $"a|{Base + 30_000}|10");
            Assert.Equal(late.OrderBy(c => c.User, StringComparer.Ordinal), _late.OrderBy(c => c.User, StringComparer.Ordinal));
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

    private static Click Decode(ConsumeResult<byte[], byte[]> r) =>
        new(Encoding.UTF8.GetString(r.Message.Key), long.Parse(Encoding.UTF8.GetString(r.Message.Value), CultureInfo.InvariantCulture));

    private void Produce(IEnumerable<Click> clicks) => new ClickTopics(_kafka, partitions: 1).Produce(clicks);
}

using System.Globalization;
using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Producer;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Operators.Windowing;
using ActorFlow.Persistence.Config;
using ActorFlow.TestKit;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Runtime.Internal;
using Confluent.Kafka;

namespace ActorFlow.Topology.Tests.EndToEnd;

public sealed class UnionSpec : IDisposable
{
    private const long Base = 1_700_000_000_000;
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["web"] = 2, ["mobile"] = 3, ["counts"] = 1 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-union");

    /// <summary>Verify that the union of two sources counts the records of both, with windows fired by the slower source's watermark.</summary>
    [Fact]
    public async Task A_union_of_two_sources_must_count_the_records_of_both()
    {
        var random = new Random(3);
        var web = Enumerable.Range(0, 1500).Select(i => new Click("user-" + (i % 10).ToString(CultureInfo.InvariantCulture), Base + (i * 4) + random.Next(-200, 200))).ToList();
        var mobile = Enumerable.Range(0, 1500).Select(i => new Click("user-" + (i % 10).ToString(CultureInfo.InvariantCulture), Base + (i * 4) + random.Next(-200, 200))).ToList();
        Produce("web", web, 2);
        Produce("mobile", mobile, 3);
        var expected = web.Concat(mobile)
            .GroupBy(c => (c.User, Start: c.Time - (((c.Time % 1000) + 1000) % 1000)))
            .Select(g => $"{g.Key.User}|{g.Key.Start}|{g.Count()}")
            .Order(StringComparer.Ordinal)
            .ToList();

        var system = await ActorFlowCluster.StartNodeAsync("union", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var consumer = ConsumerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers).WithGroupId("union");
            var producer = ProducerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers);
            var watermarks = WatermarkStrategy<Click>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(1)).WithTimestampAssigner((c, _) => c.Time);
            var builder = StreamJobBuilder.Create("union-count");
            var webClicks = builder.FromSource("web", KafkaConnectors.Source(consumer, Subscriptions.Topics("web"), Decode), watermarks);
            var mobileClicks = builder.FromSource("mobile", KafkaConnectors.Source(consumer.WithGroupId("union-m"), Subscriptions.Topics("mobile"), Decode), watermarks);
            webClicks.Union(mobileClicks)
                .KeyBy(c => c.User)
                .Process("count", () => WindowOperators.For<string, Click>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1))).Aggregate(new CountAggregate(), new Label()))
                .To(KafkaConnectors.Sink<string>(producer, s => new ProducerRecord<byte[], byte[]>("counts", new Message<byte[], byte[]> { Key = [], Value = Encoding.UTF8.GetBytes(s) })));
            var running = await JobRunner.StartAsync(system, builder.Build());

            await Poll.UntilAsync(() => Read().Count >= expected.Count, TimeSpan.FromSeconds(60));

            await running.StopAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(expected, Read().Order(StringComparer.Ordinal).ToList());
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>Verify that a source that does not reach the sink fails the build, naming it.</summary>
    [Fact]
    public void A_source_outside_the_union_must_fail_the_build()
    {
        var builder = StreamJobBuilder.Create("dangling");
        var connector = KafkaConnectors.Source(ConsumerSettings<byte[], byte[]>.Create(Akka.Configuration.Config.Empty, null, null).WithBootstrapServers("127.0.0.1:1"), Subscriptions.Topics("x"), Decode);
        var a = builder.FromSource("a", connector, WatermarkStrategy<Click>.NoWatermarks());
        builder.FromSource("b", connector, WatermarkStrategy<Click>.NoWatermarks());
        a.To(new ListSink<Click>([]));
        Assert.Contains("source 'b' does not reach the sink", Assert.Throws<InvalidOperationException>(builder.Build).Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _kafka.Dispose();
        _data.Dispose();
    }

    private static Click Decode(ConsumeResult<byte[], byte[]> r) => ClickTopics.Format.FromKafka(r);

    private void Produce(string topic, List<Click> clicks, int partitions)
    {
        var topics = new ClickTopics(_kafka, topic, partitions);
        topics.Produce(clicks);
        topics.ProduceEnd();
    }

    private List<string> Read() =>
        [.. new ClickTopics(_kafka).Read("counts").Where(v => !v.StartsWith("zz-end", StringComparison.Ordinal))];
}

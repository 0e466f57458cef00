using System.Globalization;
using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Producer;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Persistence.Config;
using ActorFlow.TestKit;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using Confluent.Kafka;

namespace ActorFlow.Topology.Tests.EndToEnd;

public sealed class StatelessJobSpec : IDisposable
{
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["numbers"] = 3, ["even"] = 1 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-stateless");
    private readonly TestTopics _topics;
    private readonly TestTopic<long> _even;

    public StatelessJobSpec()
    {
        _topics = new TestTopics(_kafka.BootstrapServers);
        _even = _topics.Topic("even", TopicFormat.Int64Text());
    }

    /// <summary>Verify that a map/filter job without key-by writes exactly the mapped, kept records, and that a map that throws makes a dead letter.</summary>
    [Fact]
    public async Task A_stateless_job_must_map_and_filter_every_record_once()
    {
        using (var topics = new TestTopics(_kafka.BootstrapServers))
        {
            topics.Topic("numbers", TopicFormat.Int64Text()).Produce(Enumerable.Range(0, 1000).Select(i => (long)i));
        }

        var system = await ActorFlowCluster.StartNodeAsync("stateless", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var consumer = ConsumerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers).WithGroupId("s");
            var producer = ProducerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers);
            var dead = new List<ActorFlow.Topology.Connectors.DeadLetterRecord>();
            var job = StreamJobBuilder.Create("even-squares")
                .WithDeadLetters(new ListSink<ActorFlow.Topology.Connectors.DeadLetterRecord>(dead))
                .FromSource("numbers", KafkaConnectors.Source(consumer, Subscriptions.Topics("numbers"), r => int.Parse(Encoding.UTF8.GetString(r.Message.Value), CultureInfo.InvariantCulture)),
                    WatermarkStrategy<int>.NoWatermarks())
                .Where(i => i % 2 == 0)
                .Select(i => i == 500 ? throw new InvalidOperationException("five hundred") : (long)i * i)
                .To(KafkaConnectors.Sink<long>(producer, v => new ProducerRecord<byte[], byte[]>("even", new Message<byte[], byte[]> { Key = [], Value = Encoding.UTF8.GetBytes(v.ToString(CultureInfo.InvariantCulture)) })))
                .Build();

            var running = JobRunner.Start(system, job);
            var expected = Enumerable.Range(0, 1000).Where(i => i % 2 == 0 && i != 500).Select(i => (long)i * i).Order().ToList();
            var got = await _even.AwaitCountAsync(expected.Count, TimeSpan.FromSeconds(60));

            await running.StopAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(expected, got.Order());
            var letter = Assert.Single(dead);
            Assert.Contains("five hundred", letter.Reason, StringComparison.Ordinal);
            Assert.Equal("Select", letter.Operator);
            Assert.StartsWith("numbers/", letter.Origin, StringComparison.Ordinal);
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    public void Dispose()
    {
        _topics.Dispose();
        _kafka.Dispose();
        _data.Dispose();
    }
}

/// <summary>A sink collecting into a list (test helper).</summary>
internal sealed class ListSink<T>(List<T> into) : ActorFlow.Topology.Connectors.ISinkConnector<T>
{
    public Akka.Streams.Dsl.Sink<T, Task<Akka.Done>> Sink() => Akka.Streams.Dsl.Sink.ForEach<T>(x =>
    {
        lock (into)
        {
            into.Add(x);
        }
    });
}

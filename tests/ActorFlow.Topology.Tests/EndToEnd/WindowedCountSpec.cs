using System.Globalization;
using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Producer;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Operators.Windowing;
using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Runtime.Internal;
using Akka.Actor;
using Confluent.Kafka;

namespace ActorFlow.Topology.Tests.EndToEnd;

/// <summary>A click: a user and the record's event time.</summary>
public sealed record Click(string User, long Time);

/// <summary>Counts the records of a window.</summary>
public sealed class CountAggregate : IAggregateFunction<Click, long, long>
{
    /// <inheritdoc />
    public long CreateAccumulator() => 0;

    /// <inheritdoc />
    public long Add(Click value, long accumulator) => accumulator + 1;

    /// <inheritdoc />
    public long GetResult(long accumulator) => accumulator;

    /// <inheritdoc />
    public long Merge(long a, long b) => a + b;
}

/// <summary>Emits "user|windowStart|count" for each fired window.</summary>
public sealed class Label : ProcessWindowFunction<string, long, string>
{
    /// <inheritdoc />
    public override void Process(string key, ProcessWindowContext context, IReadOnlyList<long> elements, Operators.ICollector<string> output) =>
        output.Collect(string.Create(CultureInfo.InvariantCulture, $"{key}|{context.Window.Start}|{elements[0]}"));
}

public sealed class WindowedCountSpec : IDisposable
{
    private const long Base = 1_700_000_000_000;
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 4, ["counts"] = 1, ["dead"] = 1 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-e2e");

    /// <summary>
    /// Verify that a windowed count over out-of-order data, run on the sharded key-group runtime, emits exactly the
    /// counts of a reference computation, and that undecodable records end in the dead-letter topic.
    /// </summary>
    [Fact]
    public async Task A_windowed_count_job_must_match_the_reference_computation()
    {
        var random = new Random(42);
        var clicks = Enumerable.Range(0, 3000)
            .Select(i => new Click("user-" + (i % 25).ToString(CultureInfo.InvariantCulture), Base + (i * 7) + random.Next(-400, 400)))
            .ToList();
        Produce(clicks);

        var expected = clicks
            .GroupBy(c => (c.User, Start: c.Time - (((c.Time % 1000) + 1000) % 1000)))
            .Select(g => $"{g.Key.User}|{g.Key.Start}|{g.Count()}")
            .Order(StringComparer.Ordinal)
            .ToList();

        var system = await ActorFlowCluster.StartNodeAsync("e2e", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var consumer = ConsumerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers).WithGroupId("e2e");
            var producer = ProducerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers);
            var job = StreamJobBuilder.Create("clicks-per-second")
                .WithDeadLetters(KafkaConnectors.DeadLetters(producer, "dead"))
                .FromSource("clicks", KafkaConnectors.Source(consumer, Subscriptions.Topics("clicks"), Decode),
                    WatermarkStrategy<Click>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(1)).WithTimestampAssigner((c, _) => c.Time))
                .KeyBy(c => c.User)
                .Process("count", () => WindowOperators.For<string, Click>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)))
                    .Aggregate(new CountAggregate(), new Label()))
                .To(KafkaConnectors.Sink<string>(producer, s => new ProducerRecord<byte[], byte[]>("counts", new Message<byte[], byte[]> { Key = [], Value = Encoding.UTF8.GetBytes(s) })))
                .Build();

            var running = JobRunner.Start(system, job);
            await AwaitAsync(() => ReadAll("counts").Count >= expected.Count, TimeSpan.FromSeconds(60));
            await running.StopAsync(TimeSpan.FromSeconds(30));

            Assert.Equal(expected, ReadAll("counts").Select(m => Encoding.UTF8.GetString(m.Value)).Order(StringComparer.Ordinal).ToList());
            var dead = ReadAll("dead");
            Assert.Equal(3, dead.Count);
            Assert.All(dead, d => Assert.Contains("decoding failed", Encoding.UTF8.GetString(d.Headers.GetLastBytes("actorflow.error")), StringComparison.Ordinal));
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

    private void Produce(List<Click> clicks)
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = _kafka.BootstrapServers, LingerMs = 5 }).Build();
        foreach (var c in clicks)
        {
            producer.Produce("clicks", new Message<string, string> { Key = c.User, Value = c.Time.ToString(CultureInfo.InvariantCulture), Timestamp = new Timestamp(c.Time, TimestampType.CreateTime) });
        }

        for (var i = 0; i < 3; i++)
        {
            producer.Produce("clicks", new Message<string, string> { Key = "poison", Value = "not-a-number" });
        }

        // One record per partition far in the future moves every partition's watermark past all real windows.
        for (var p = 0; p < 4; p++)
        {
            producer.Produce(new TopicPartition("clicks", p), new Message<string, string> { Key = "zz-end", Value = (Base + 10_000_000).ToString(CultureInfo.InvariantCulture) });
        }

        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
    }

    private List<Message<byte[], byte[]>> ReadAll(string topic)
    {
        using var c = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = _kafka.BootstrapServers, GroupId = "reader", EnableAutoCommit = false }).Build();
        c.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var end = c.QueryWatermarkOffsets(new TopicPartition(topic, 0), TimeSpan.FromSeconds(10)).High.Value;
        var all = new List<Message<byte[], byte[]>>();
        while (all.Count < end && c.Consume(TimeSpan.FromSeconds(5)) is { } r)
        {
            all.Add(r.Message);
        }

        return all;
    }

    private static async Task AwaitAsync(Func<bool> condition, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (!condition())
        {
            await Task.Delay(100, cts.Token);
        }
    }
}

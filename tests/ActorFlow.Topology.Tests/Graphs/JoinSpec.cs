using System.Collections.Concurrent;
using System.Globalization;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators.Windowing;
using ActorFlow.Persistence.Config;
using ActorFlow.TestKit;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;

namespace ActorFlow.Topology.Tests.Graphs;

/// <summary>Issue 15: a window join and an interval join of two topics, with out-of-order input on both sides, against LINQ.</summary>
public sealed class JoinSpec : IDisposable
{
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["left"] = 2, ["right"] = 3 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-join");

    /// <summary>Verify that a tumbling window join pairs every left and right record of the same key and window, each pair once.</summary>
    [Fact]
    public async Task A_window_join_must_pair_the_records_of_each_key_and_window()
    {
        var (left, right) = Produce(seed: 31);
        var expected = (from l in left
                        join r in right on (l.Key, Window(l.Time)) equals (r.Key, Window(r.Time))
                        select Pair(l, r)).Order(StringComparer.Ordinal).ToList();

        var pairs = await RunAsync("window-join", expected.Count, (lefts, rights) =>
            lefts.Join(rights).Where(l => l.Key).EqualTo(r => r.Key).Window(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1))).Apply("join", Pair));

        Assert.Equal(expected, pairs);
    }

    /// <summary>Verify that an interval join pairs every left record at t with the right records of its key in [t - 300 ms, t + 500 ms].</summary>
    [Fact]
    public async Task An_interval_join_must_pair_the_records_within_the_bounds()
    {
        var (left, right) = Produce(seed: 32);
        var expected = (from l in left
                        from r in right
                        where l.Key == r.Key && r.Time >= l.Time - 300 && r.Time <= l.Time + 500
                        select Pair(l, r)).Order(StringComparer.Ordinal).ToList();

        var pairs = await RunAsync("interval-join", expected.Count, (lefts, rights) =>
            lefts.KeyBy(l => l.Key).IntervalJoin(rights.KeyBy(r => r.Key)).Between(TimeSpan.FromMilliseconds(-300), TimeSpan.FromMilliseconds(500)).Process("join", Pair));

        Assert.Equal(expected, pairs);
    }

    /// <summary>Verify that a join of records without a serializer fails the build, naming the join and the type.</summary>
    [Fact]
    public void A_join_without_a_serializer_for_its_records_must_fail_the_build()
    {
        var builder = StreamJobBuilder.Create("no-serializer");
        var topics = new TwoInputTopics(_kafka);
        var consumer = ConsumerSettings<byte[], byte[]>.Create(Akka.Configuration.Config.Empty, null, null).WithBootstrapServers(_kafka.BootstrapServers).WithGroupId("x");
        topics.Source(builder, consumer, "left", 2).Join(topics.Source(builder, consumer, "right", 3))
            .Where(l => l.Key).EqualTo(r => r.Key).Window(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1))).Apply("join", Pair)
            .To(new QueueSink<string>(new ConcurrentQueue<string>()));

        var e = Assert.Throws<InvalidOperationException>(builder.Build);
        Assert.Contains("window join 'join' cannot be built", e.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(Event), e.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _kafka.Dispose();
        _data.Dispose();
    }

    private static long Window(long time) => time - (((time % 1000) + 1000) % 1000);

    private static string Pair(Event l, Event r) => string.Create(CultureInfo.InvariantCulture, $"{l.Key}|{l.Number}|{r.Number}");

    private (List<Event> Left, List<Event> Right) Produce(int seed)
    {
        var random = new Random(seed);
        List<Event> Side(string kind) =>
            [.. Enumerable.Range(0, 500).Select(i => new Event(kind, "k" + random.Next(0, 8).ToString(CultureInfo.InvariantCulture), i, ClickTopics.Base + (i * 20) + random.Next(-300, 300)))];
        var (left, right) = (Side("l"), Side("r"));
        var topics = new TwoInputTopics(_kafka);
        topics.Produce("left", left);
        topics.Produce("right", right);
        topics.ProduceEnd("left", 2);
        topics.ProduceEnd("right", 3);
        return (left, right);
    }

    private async Task<List<string>> RunAsync(string name, int expected, Func<DataStream<Event>, DataStream<Event>, DataStream<string>> join)
    {
        var pairs = new ConcurrentQueue<string>();
        var system = await ActorFlowCluster.StartNodeAsync(name, StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var consumer = ConsumerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers).WithGroupId(name);
            var topics = new TwoInputTopics(_kafka);
            var builder = StreamJobBuilder.Create(name).WithSerializers(EventSerializer.Registry());
            var lefts = topics.Source(builder, consumer, "left", 2);
            var rights = topics.Source(builder, consumer.WithGroupId(name + "-r"), "right", 3);
            join(lefts, rights).Where(p => !p.StartsWith("zz-end", StringComparison.Ordinal)).To(new QueueSink<string>(pairs));
            var running = await JobRunner.StartAsync(system, builder.Build());
            await Poll.UntilAsync(() => pairs.Count >= expected, TimeSpan.FromSeconds(60));
            await running.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }

        return [.. pairs.Order(StringComparer.Ordinal)];
    }
}

using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators.Functions;
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
/// Issue 18: a sink that refuses a record (<see cref="IRefusingSink{T}"/>) sends it to the job's dead-letter output,
/// naming the sink and the reason, instead of receiving it; the job and the other records go on.
/// </summary>
public sealed class RefusingSinkSpec : IDisposable
{
    private const long Base = ClickTopics.Base;
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 1, ["dead"] = 1 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-refusing-sink");

    private ClickTopics Topics => new(_kafka, "clicks", 1);

    /// <summary>
    /// Verify that records a sink refuses straight from the source become dead letters with the reason, the sink as
    /// stage and the record's origin, offset and bytes, that results a keyed operator emitted and a sink refuses
    /// become dead letters naming the sink (without a source position), and that the sinks receive every other
    /// record.
    /// </summary>
    [Fact]
    public async Task A_refused_record_must_go_to_the_dead_letters_and_the_others_to_the_sink()
    {
        var clicks = Enumerable.Range(0, 30).Select(i => new Click(i % 10 == 3 ? "blocked" : "user-" + (i % 4).ToString(CultureInfo.InvariantCulture), Base + (i * 100))).ToList();
        Topics.Produce(clicks);
        Topics.ProduceEnd();
        var raw = new PickySink<Click>("raw-clicks", c => c.User == "blocked" ? "user is blocked" : null);
        var counts = new PickySink<string>("counts", s => s.StartsWith("user-1|", StringComparison.Ordinal) ? throw new InvalidOperationException("no user-1 counts") : null);

        var options = new JobRunnerOptions { CheckpointInterval = null };
        var system = await ActorFlowCluster.StartNodeAsync("refusing-sink", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var consumer = ConsumerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers).WithGroupId("refusing-sink");
            var producer = ProducerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers);
            var builder = StreamJobBuilder.Create("refusing-sink").WithDeadLetters(KafkaConnectors.DeadLetters(producer, "dead"));
            var source = builder.FromSource("clicks", KafkaConnectors.Source(consumer, Subscriptions.Topics("clicks"), r =>
                    new Click(Encoding.UTF8.GetString(r.Message.Key), long.Parse(Encoding.UTF8.GetString(r.Message.Value), CultureInfo.InvariantCulture))),
                WatermarkStrategy<Click>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(1)).WithTimestampAssigner((c, _) => c.Time));
            source.To(raw);
            var job = source
                .KeyBy(c => c.User)
                .Process("count", () => WindowOperators.For<string, Click>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)))
                    .Aggregate(Aggregates.Count<Click>(), (user, window, count) => string.Create(CultureInfo.InvariantCulture, $"{user}|{window.Start}|{count}")))
                .To(counts)
                .Build();
            var running = await JobRunner.StartAsync(system, job, options);
            var windows = clicks.Where(c => c.User != "user-1").Select(c => (c.User, c.Time / 1000)).Distinct().Count();
            await Poll.UntilAsync(
                () => Topics.ReadWithHeaders("dead").Count >= 6 && counts.Received.Count >= windows,
                TimeSpan.FromSeconds(60),
                () => $"6 dead letters and {windows} windows; got {Topics.ReadWithHeaders("dead").Count} dead letters and {counts.Received.Count} windows");
            Assert.False(running.Completion.IsCompleted, "the job must keep running");
            await running.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }

        var dead = Topics.ReadWithHeaders("dead");
        var blocked = dead.Where(d => d.Operator == "raw-clicks").ToList();
        Assert.Equal([3L, 13L, 23L], blocked.Select(d => d.Offset));
        foreach (var letter in blocked)
        {
            Assert.Equal("sink 'raw-clicks' refused the record: user is blocked", letter.Error);
            Assert.Equal("clicks/0", letter.Origin);
            Assert.Equal("blocked", Encoding.UTF8.GetString(letter.Key!));
            Assert.Equal(clicks[(int)letter.Offset].Time.ToString(CultureInfo.InvariantCulture), Encoding.UTF8.GetString(letter.Value!));
        }

        // user-1 clicks at i = 1, 5, 9, 17, 21, 25, 29 (13 is blocked): windows 0, 1 and 2 (of 1 s).
        var refusedCounts = dead.Where(d => d.Operator == "counts").ToList();
        Assert.Equal(3, refusedCounts.Count);
        Assert.All(refusedCounts, d => Assert.Equal(("sink 'counts' refused the record: InvalidOperationException: no user-1 counts", "", -1L), (d.Error, d.Origin, d.Offset)));
        Assert.Equal(6, dead.Count);

        Assert.Equal(clicks.Count(c => c.User != "blocked") + 1, raw.Received.Count); // + the end marker
        Assert.DoesNotContain(raw.Received, c => c.User == "blocked");
        Assert.DoesNotContain(counts.Received, s => s.StartsWith("user-1|", StringComparison.Ordinal));
        Assert.Equal(clicks.Count(c => c.User is "user-0" or "user-2" or "user-3"), counts.Received.Where(s => s.Split('|')[0] is "user-0" or "user-2" or "user-3").Sum(s => long.Parse(s.Split('|')[2], CultureInfo.InvariantCulture)));
    }

    public void Dispose()
    {
        _kafka.Dispose();
        _data.Dispose();
    }

    /// <summary>An in-memory sink that refuses what <paramref name="refuse"/> gives a reason for.</summary>
    private sealed class PickySink<T>(string name, Func<T, string?> refuse) : IRefusingSink<T>
    {
        public ConcurrentQueue<T> Received { get; } = new();

        public string Name => name;

        public string? Refuse(T record) => refuse(record);

        public Sink<T, Task<Done>> Sink() => Akka.Streams.Dsl.Sink.ForEach<T>(Received.Enqueue);
    }
}

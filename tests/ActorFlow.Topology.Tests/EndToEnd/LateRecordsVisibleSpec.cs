using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators;
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
/// Issue 14: late records go somewhere visible by default. Without a sink of their own they are dead letters with
/// their position and bytes, unless the job discards them on purpose.
/// </summary>
public sealed class LateRecordsVisibleSpec : IDisposable
{
    private const long Base = 1_700_000_000_000;
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 1 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-late-visible");

    /// <summary>Verify that late records of a job without a late-data sink reach the dead letters with reason, origin, offset and bytes.</summary>
    [Fact]
    public async Task Late_records_without_a_sink_must_be_dead_lettered_with_their_position_and_bytes()
    {
        var dead = await RunAsync("late-visible", discard: false);

        Assert.Equal(2, dead.Count);
        foreach (var (letter, offset) in dead.OrderBy(d => d.Offset).Zip(new long[] { 100, 101 }))
        {
            Assert.Equal(("clicks/0", offset, "count"), (letter.Origin, letter.Offset, letter.Operator));
            Assert.Contains("late record", letter.Reason, StringComparison.Ordinal);
            Assert.Equal("late", Encoding.UTF8.GetString(letter.Key!));
            Assert.Equal((Base + 5_000).ToString(CultureInfo.InvariantCulture), Encoding.UTF8.GetString(letter.Value!));
        }
    }

    /// <summary>Verify that a job that discards the late-data side output on purpose sends no dead letters for them.</summary>
    [Fact]
    public async Task Late_records_of_a_discarded_side_output_must_not_be_dead_lettered()
    {
        var dead = await RunAsync("late-discarded", discard: true);

        Assert.Empty(dead);
    }

    public void Dispose()
    {
        _kafka.Dispose();
        _data.Dispose();
    }

    private async Task<List<DeadLetterRecord>> RunAsync(string name, bool discard)
    {
        var counts = new ConcurrentQueue<string>();
        var dead = new ConcurrentQueue<DeadLetterRecord>();
        var system = await ActorFlowCluster.StartNodeAsync(name, StateStoreSettings.Sqlite(Path.Combine(_data.Path, name)));
        try
        {
            var consumer = ConsumerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers).WithGroupId(name);
            var keyed = StreamJobBuilder.Create(name)
                .WithDeadLetters(new QueueSink<DeadLetterRecord>(dead))
                .FromSource("clicks", KafkaConnectors.Source(consumer, Subscriptions.Assignment(new TopicPartition("clicks", 0)), r =>
                        new Click(Encoding.UTF8.GetString(r.Message.Key), long.Parse(Encoding.UTF8.GetString(r.Message.Value), CultureInfo.InvariantCulture))),
                    WatermarkStrategy<Click>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(1)).WithTimestampAssigner((c, _) => c.Time))
                .KeyBy(c => c.User)
                .Process("count", () => WindowOperators.For<string, Click>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(10)))
                    .Aggregate(Aggregates.Count<Click>(), (user, window, n) => $"{user}|{window.Start}|{n}"));
            if (discard)
            {
                keyed = keyed.DiscardSideOutput(OutputTags.LateData<Click>());
            }

            var job = keyed.To(new QueueSink<string>(counts)).Build();
            var running = await JobRunner.StartAsync(system, job, new JobRunnerOptions { CheckpointInterval = null });

            // Offsets 0-99: one user moves the watermark to ~Base + 99 s; then two records at Base + 5 s (offsets 100, 101).
            Produce(Enumerable.Range(0, 100).Select(i => new Click("a", Base + (i * 1000L))));
            await Poll.UntilAsync(() => counts.Contains($"a|{Base + 80_000}|10"), TimeSpan.FromSeconds(60));
            Produce([new Click("late", Base + 5_000), new Click("late", Base + 5_000), new Click("a", Base + 200_000), new Click("a", Base + 300_000)]);
            await Poll.UntilAsync(() => counts.Contains($"a|{Base + 200_000}|1"), TimeSpan.FromSeconds(60));
            await running.StopAsync(TimeSpan.FromSeconds(30));
            return [.. dead];
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    private void Produce(IEnumerable<Click> clicks) => new ClickTopics(_kafka, partitions: 1).Produce(clicks);
}

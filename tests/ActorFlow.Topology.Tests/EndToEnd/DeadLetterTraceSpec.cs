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
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using Confluent.Kafka;

namespace ActorFlow.Topology.Tests.EndToEnd;

/// <summary>
/// Issue 14, defect 3: a record that fails in any step (Where, Select, KeyBy, the keyed operator's per-record code)
/// reaches the dead-letter topic with its source partition, offset, original key and value bytes, the stage and the
/// error, so that a user can fix the bug and replay it.
/// </summary>
public sealed class DeadLetterTraceSpec : IDisposable
{
    private const long Base = 1_700_000_000_000;
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 1, ["counts"] = 1, ["dead"] = 1 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-dead-trace");

    private ClickTopics Topics => new(_kafka, "clicks", 1);

    /// <summary>
    /// Verify that the dead letters of a Where, a Select, a KeyBy and an aggregate's Add each carry the record's
    /// origin, offset, key and value bytes as produced, and the stage that failed.
    /// </summary>
    [Fact]
    public async Task A_record_failing_in_any_step_must_be_dead_lettered_with_its_position_and_bytes()
    {
        // user-N clicks; four poisoned users, each failing in another step.
        var clicks = Enumerable.Range(0, 40).Select(i => new Click("user-" + (i % 8).ToString(CultureInfo.InvariantCulture), Base + (i * 100))).ToList();
        clicks.Insert(5, new Click("bad-where", Base + 500));
        clicks.Insert(11, new Click("bad-select", Base + 1000));
        clicks.Insert(17, new Click("bad-keyby", Base + 1500));
        clicks.Insert(23, new Click("bad-add", Base + 2000));
        Topics.Produce(clicks);
        Topics.ProduceEnd();

        var system = await ActorFlowCluster.StartNodeAsync("dead-trace", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var consumer = ConsumerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers).WithGroupId("dead-trace");
            var producer = ProducerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers);
            var job = StreamJobBuilder.Create("dead-trace")
                .WithDeadLetters(KafkaConnectors.DeadLetters(producer, "dead"))
                .FromSource("clicks", KafkaConnectors.Source(consumer, Subscriptions.Topics("clicks"), r =>
                        new Click(Encoding.UTF8.GetString(r.Message.Key), long.Parse(Encoding.UTF8.GetString(r.Message.Value), CultureInfo.InvariantCulture))),
                    WatermarkStrategy<Click>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(1)).WithTimestampAssigner((c, _) => c.Time))
                .Where(c => c.User != "bad-where" ? true : throw new InvalidOperationException("where bug"))
                .Select(c => c.User != "bad-select" ? c : throw new InvalidOperationException("select bug"))
                .KeyBy(c => c.User != "bad-keyby" ? c.User : throw new InvalidOperationException("key bug"))
                .Process("count", () => WindowOperators.For<string, Click>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)))
                    .Aggregate(new FailingCount(), new Label()))
                .To(KafkaConnectors.Sink<string>(producer, s => new ActorFlow.Kafka.Producer.ProducerRecord<byte[], byte[]>("counts", new Message<byte[], byte[]> { Key = [], Value = Encoding.UTF8.GetBytes(s) })))
                .Build();
            var running = await JobRunner.StartAsync(system, job, new JobRunnerOptions { CheckpointInterval = null });
            await Poll.UntilAsync(() => Topics.ReadWithHeaders("dead").Count >= 4, TimeSpan.FromSeconds(60));
            await running.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }

        var dead = Topics.ReadWithHeaders("dead");
        Assert.Equal(4, dead.Count);
        foreach (var (user, stage, error) in new[] { ("bad-where", "Where", "where bug"), ("bad-select", "Select", "select bug"), ("bad-keyby", "KeyBy", "key bug"), ("bad-add", "count", "add bug") })
        {
            var offset = clicks.FindIndex(c => c.User == user);
            var letter = Assert.Single(dead, d => d.Key is not null && Encoding.UTF8.GetString(d.Key) == user);
            Assert.Equal(("clicks/0", (long)offset, stage), (letter.Origin, letter.Offset, letter.Operator));
            Assert.Equal(clicks[offset].Time.ToString(CultureInfo.InvariantCulture), Encoding.UTF8.GetString(letter.Value!));
            Assert.Contains(error, letter.Error, StringComparison.Ordinal);
        }
    }

    public void Dispose()
    {
        _kafka.Dispose();
        _data.Dispose();
    }

    /// <summary>Counts a window's clicks; throws in Add for user "bad-add".</summary>
    private sealed class FailingCount : IAggregateFunction<Click, long, long>
    {
        public long CreateAccumulator() => 0;

        public long Add(Click value, long accumulator) => value.User == "bad-add" ? throw new InvalidOperationException("add bug") : accumulator + 1;

        public long GetResult(long accumulator) => accumulator;

        public long Merge(long a, long b) => a + b;
    }
}

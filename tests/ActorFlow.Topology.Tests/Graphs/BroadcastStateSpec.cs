using System.Globalization;
using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.State;
using ActorFlow.Persistence.Config;
using ActorFlow.TestKit;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using Akka.Actor;

namespace ActorFlow.Topology.Tests.Graphs;

/// <summary>
/// Issue 15: rules broadcast to every key group of a keyed stage. Each transaction is judged by the rule in force at
/// its position in the input, and the rules survive a crash with the checkpoint (broadcast state is in every key
/// group's snapshot).
/// </summary>
public sealed class BroadcastStateSpec : IDisposable
{
    private static readonly MapStateDescriptor<string, long> Rules = new("rules");

    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["events"] = 1, ["alerts"] = 1 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-broadcast");

    /// <summary>Verify that rules changed mid-stream apply to the transactions after them, also after a crash and restore.</summary>
    [Fact]
    public async Task Broadcast_rules_must_judge_each_record_by_the_rule_in_force_at_its_position()
    {
        var random = new Random(51);
        var events = new List<Event>();
        for (var i = 0; i < 3000; i++)
        {
            var time = ClickTopics.Base + (i * 5);
            events.Add(i % 500 == 250
                ? new Event("rule", "threshold", random.Next(100, 900), time)
                : new Event("tx", "acct-" + random.Next(0, 40).ToString(CultureInfo.InvariantCulture), random.Next(0, 1000), time));
        }

        long? threshold = null;
        var expected = new List<string>();
        foreach (var e in events)
        {
            if (e.Kind == "rule")
            {
                threshold = e.Number;
            }
            else if (threshold is { } t && e.Number > t)
            {
                expected.Add(Alert(e.Key, e.Number, t));
            }
        }

        var topics = new TwoInputTopics(_kafka);
        var reader = new ClickTopics(_kafka);
        topics.Produce("events", events[..1600]);
        var system = await ActorFlowCluster.StartNodeAsync("broadcast-a", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var running = await JobRunner.StartAsync(system, Job(system, topics), new JobRunnerOptions { CheckpointInterval = TimeSpan.FromHours(1) });
            await Poll.UntilAsync(() => running.CurrentWatermark >= events[1590].Time - 1_000, TimeSpan.FromSeconds(60));
            await running.CheckpointAsync();
            await Poll.UntilAsync(() => reader.Read("alerts").Count > 0, TimeSpan.FromSeconds(30));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30)); // a crash: no stop
        }

        topics.Produce("events", events[1600..]);
        topics.ProduceEnd("events", 1);
        system = await ActorFlowCluster.StartNodeAsync("broadcast-b", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var running = await JobRunner.StartAsync(system, Job(system, topics), new JobRunnerOptions { CheckpointInterval = TimeSpan.FromMilliseconds(500) });
            await Poll.UntilAsync(() => reader.Read("alerts").Count >= expected.Count, TimeSpan.FromSeconds(90));
            await running.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }

        Assert.Equal(expected.Order(StringComparer.Ordinal), reader.Read("alerts").Order(StringComparer.Ordinal));
    }

    public void Dispose()
    {
        _kafka.Dispose();
        _data.Dispose();
    }

    private static string Alert(string account, long amount, long threshold) => string.Create(CultureInfo.InvariantCulture, $"{account}|{amount}|{threshold}");

    private StreamJob Job(ActorSystem system, TwoInputTopics topics)
    {
        var consumer = ConsumerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers).WithGroupId("broadcast");
        var producer = ProducerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers);
        var builder = StreamJobBuilder.Create("broadcast");
        var events = topics.Source(builder, consumer, "events", 1);
        var rules = events.Where(e => e.Kind == "rule").Select(e => e.Number).Broadcast();
        events.Where(e => e.Kind == "tx")
            .KeyBy(e => e.Key)
            .Connect(rules)
            .Process("alerts", () => new ThresholdAlerts())
            .To(KafkaConnectors.ExactlyOnceSink<string>(producer, "alerts", s => (null, Encoding.UTF8.GetBytes(s))));
        return builder.Build();
    }

    /// <summary>Alerts on a transaction above the threshold in force (none before the first rule).</summary>
    private sealed class ThresholdAlerts : KeyedBroadcastProcessFunction<string, Event, long, string>
    {
        public override void ProcessElement(Event value, ReadOnlyContext context, ICollector<string> output)
        {
            if (context.GetBroadcastState(Rules).TryGetValue("threshold", out var threshold) && value.Number > threshold)
            {
                output.Collect(Alert(value.Key, value.Number, threshold));
            }
        }

        public override void ProcessBroadcastElement(long value, Context context, ICollector<string> output) =>
            context.GetBroadcastState(Rules)["threshold"] = value;
    }
}

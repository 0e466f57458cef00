using System.Collections.Concurrent;
using System.Globalization;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Windowing;
using ActorFlow.Persistence.Config;
using ActorFlow.TestKit;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.EndToEnd;

namespace ActorFlow.Topology.Tests.Graphs;

/// <summary>
/// Issue 15: consecutive keyed operators on the same key (<c>KeepKey</c>) run in the same key group, without a hop;
/// a record whose key does not belong there becomes a dead letter naming the operator.
/// </summary>
public sealed class ChainedStagesSpec : IDisposable
{
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 4 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-chained");

    /// <summary>Verify that a window count chained to a running total per user runs in one hop and emits the reference's totals.</summary>
    [Fact]
    public async Task A_stage_chained_on_the_same_key_must_run_in_the_same_hop_with_exact_results()
    {
        var clicks = Produce(seed: 21);
        var expected = ClickTopics.CountsPerSecond(clicks)
            .Select(c => (User: c.Key.Split('|')[0], Start: long.Parse(c.Key.Split('|')[1], CultureInfo.InvariantCulture), c.Value))
            .GroupBy(c => c.User)
            .SelectMany(g => g.OrderBy(c => c.Start).Select((c, i) => string.Create(CultureInfo.InvariantCulture, $"{c.User}|{c.Start}|{g.OrderBy(x => x.Start).Take(i + 1).Sum(x => x.Value)}")))
            .Order(StringComparer.Ordinal)
            .ToList();

        var (totals, dead) = await RunAsync("chained", keyOf: s => s.Split('|')[0], (t, _) => t.Count >= expected.Count);

        Assert.Equal(expected, totals.Order(StringComparer.Ordinal).ToList());
        Assert.Empty(dead);
    }

    /// <summary>Verify that a chained stage given a key of another key group dead-letters the record, naming the operator.</summary>
    [Fact]
    public async Task A_chained_stage_must_dead_letter_a_record_whose_key_is_of_another_key_group()
    {
        var clicks = Produce(seed: 22);
        var windows = ClickTopics.CountsPerSecond(clicks).Count;
        // Every window result of every user claims the key "elsewhere": one key group is right, the others are not.
        var (totals, dead) = await RunAsync("chained-wrong-key", keyOf: _ => "elsewhere", (t, d) => t.Count + d.Count >= windows);

        Assert.NotEmpty(dead);
        Assert.All(dead, d => Assert.Equal("total", d.Operator));
        Assert.All(dead, d => Assert.Contains("a chained stage keeps the key of the stage before it", d.Reason, StringComparison.Ordinal));
    }

    public void Dispose()
    {
        _kafka.Dispose();
        _data.Dispose();
    }

    private List<Click> Produce(int seed)
    {
        var random = new Random(seed);
        var clicks = Enumerable.Range(0, 2000).Select(i => new Click("user-" + random.Next(0, 9).ToString(CultureInfo.InvariantCulture), ClickTopics.Base + (i * 5) + random.Next(-300, 300))).ToList();
        var topics = new ClickTopics(_kafka);
        topics.Produce(clicks);
        topics.ProduceEnd();
        return clicks;
    }

    private async Task<(ConcurrentQueue<string> Totals, ConcurrentQueue<DeadLetterRecord> Dead)> RunAsync(
        string name, Func<string, string> keyOf, Func<ConcurrentQueue<string>, ConcurrentQueue<DeadLetterRecord>, bool> done)
    {
        var (totals, dead) = (new ConcurrentQueue<string>(), new ConcurrentQueue<DeadLetterRecord>());
        var system = await ActorFlowCluster.StartNodeAsync(name, StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var consumer = ConsumerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers).WithGroupId(name);
            var builder = StreamJobBuilder.Create(name).WithDeadLetters(new QueueSink<DeadLetterRecord>(dead));
            GraphJobs.Clicks(builder, consumer, "clicks", 4)
                .KeyBy(c => c.User)
                .Process("count", () => WindowOperators.For<string, Click>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1))).Aggregate(new CountAggregate(), new Label()))
                .KeepKey(keyOf)
                .Process("total", () => KeyedProcessOperators.Create(new GraphJobs.RunningTotal()))
                .To(new QueueSink<string>(totals));
            var job = builder.Build();
            Assert.Equal(1, job.Plan.Hops); // chained: no second hop
            var running = await JobRunner.StartAsync(system, job);
            await Poll.UntilAsync(() => done(totals, dead), TimeSpan.FromSeconds(60));
            await running.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }

        return (totals, dead);
    }
}

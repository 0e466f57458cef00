using System.Collections.Concurrent;
using ActorFlow.Operators;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.State;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;

namespace ActorFlow.Topology.Tests.Bounded;

public sealed class BatchModeBroadcastSpec : IDisposable
{
    private static readonly MapStateDescriptor<string, long> Rules = new("rules");
    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-batch-broadcast");

    /// <summary>
    /// Verify that in batch mode a keyed broadcast function sees all of the broadcast input before any keyed record,
    /// as in Flink's batch mode: in one partition read in this order, rule 100, a transaction of 80, rule 50, a
    /// transaction of 80. Streamed, the first transaction is judged by rule 100 (no alert) and the second by rule 50;
    /// in batch mode both are judged by the last rule, 50 (two alerts).
    /// </summary>
    [Fact]
    public async Task Batch_mode_must_apply_the_broadcast_input_before_the_keyed_records()
    {
        List<(Ev Value, long Time)> input =
        [
            (new Ev("rule", "", 100, 1_000), 1_000),
            (new Ev("tx", "a", 80, 2_000), 2_000),
            (new Ev("rule", "", 50, 3_000), 3_000),
            (new Ev("tx", "b", 80, 4_000), 4_000),
        ];

        var system = await ActorFlowCluster.StartNodeAsync("batch-broadcast", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var streamed = new ConcurrentQueue<string>();
            var streaming = await JobRunner.StartAsync(system, Job("broadcast-streaming", new BoundedListSource<Ev>([input], chunk: 1), new QueueSink<string>(streamed)));
            await streaming.Completion.WaitAsync(TimeSpan.FromSeconds(60));

            var batched = new ConcurrentQueue<string>();
            var batch = await JobRunner.StartAsync(system, Job("broadcast-batch", new BoundedListSource<Ev>([input], chunk: 1), new QueueSink<string>(batched)),
                new JobRunnerOptions { ExecutionMode = ExecutionMode.Batch, BatchKeyGroupParallelism = 3 });
            var summary = await batch.Completion.WaitAsync(TimeSpan.FromSeconds(60));

            Assert.Equal(["b|80|50"], streamed.Order(StringComparer.Ordinal));
            Assert.Equal(["a|80|50", "b|80|50"], batched.Order(StringComparer.Ordinal));
            Assert.True(summary.EndOfInput);
            Assert.Equal(4, summary.RecordsRead);
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    public void Dispose() => _data.Dispose();

    private static StreamJob Job(string name, ISourceConnector<Ev> source, ISinkConnector<string> sink)
    {
        var builder = StreamJobBuilder.Create(name);
        var events = builder.FromSource("events", source, WatermarkStrategy<Ev>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(1)).WithTimestampAssigner((e, _) => e.Time));
        var rules = events.Where(e => e.Kind == "rule").Select(e => e.Number).Broadcast();
        events.Where(e => e.Kind == "tx")
            .KeyBy(e => e.Key)
            .Connect(rules)
            .Process("alerts", () => new ThresholdAlerts())
            .To(sink);
        return builder.Build();
    }

    private sealed record Ev(string Kind, string Key, long Number, long Time);

    /// <summary>Alerts on a transaction above the threshold in force: "account|amount|threshold".</summary>
    private sealed class ThresholdAlerts : KeyedBroadcastProcessFunction<string, Ev, long, string>
    {
        public override void ProcessElement(Ev value, ReadOnlyContext context, ICollector<string> output)
        {
            if (context.GetBroadcastState(Rules).TryGetValue("threshold", out var threshold) && value.Number > threshold)
            {
                output.Collect($"{value.Key}|{value.Number}|{threshold}");
            }
        }

        public override void ProcessBroadcastElement(long value, Context context, ICollector<string> output) =>
            context.GetBroadcastState(Rules)["threshold"] = value;
    }
}

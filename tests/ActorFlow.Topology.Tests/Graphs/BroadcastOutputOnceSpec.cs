using System.Collections.Concurrent;
using System.Globalization;
using ActorFlow.Operators;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.State;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.Bounded;

namespace ActorFlow.Topology.Tests.Graphs;

/// <summary>
/// What a keyed broadcast function emits for a broadcast record (main or side output) comes out once per record. Every
/// key group applies the record to its copy of the broadcast state, and before, each emitted its output too: one
/// record gave 128 (found by a Flink developer's review; Flink emits it once per parallel subtask, once at parallelism 1).
/// What it emits per key inside <c>ApplyToKeyedState</c> comes out from every key group, once per key.
/// </summary>
public sealed class BroadcastOutputOnceSpec : IDisposable
{
    private static readonly MapStateDescriptor<string, long> Rules = new("rules");
    private static readonly OutputTag<string> Audit = new("audit");
    private static readonly ValueStateDescriptor<long> Seen = new("seen");
    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-broadcast-once");

    /// <summary>
    /// Verify that two rule records give two acknowledgements and two audit records, streaming and in batch mode, while
    /// the keyed records of 40 accounts (in many key groups) are all judged by the rule; the second rule visits the 40
    /// accounts' state when it comes after them (streaming), none when batch mode applies it before them.
    /// </summary>
    [Theory]
    [InlineData(ExecutionMode.Streaming)]
    [InlineData(ExecutionMode.Batch)]
    public async Task Output_for_a_broadcast_record_must_come_out_once(ExecutionMode mode)
    {
        var input = new List<(Ev Value, long Time)> { (new Ev("rule", "", 50, 1_000), 1_000) };
        input.AddRange(Enumerable.Range(0, 40).Select(i => (new Ev("tx", "acct-" + i.ToString(CultureInfo.InvariantCulture), 80, 2_000 + i), 2_000L + i)));
        input.Add((new Ev("rule", "", 70, 5_000), 5_000));

        var system = await ActorFlowCluster.StartNodeAsync("broadcast-once", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var main = new ConcurrentQueue<string>();
            var audit = new ConcurrentQueue<string>();
            var job = await JobRunner.StartAsync(
                system,
                Job("broadcast-once-" + mode, new BoundedListSource<Ev>([input], chunk: 7), new QueueSink<string>(main), new QueueSink<string>(audit)),
                new JobRunnerOptions { ExecutionMode = mode });
            await job.Completion.WaitAsync(TimeSpan.FromSeconds(60));

            Assert.Equal(["ack 50", "ack 70"], main.Where(m => m.StartsWith("ack", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
            Assert.Equal(["rule 50", "rule 70"], audit.Order(StringComparer.Ordinal));
            Assert.Equal(40, main.Count(m => m.StartsWith("alert", StringComparison.Ordinal)));
            var visited = main.Where(m => m.StartsWith("visit", StringComparison.Ordinal)).ToList();
            Assert.Equal(mode == ExecutionMode.Streaming ? 40 : 0, visited.Count);
            Assert.Equal(visited.Count, visited.Distinct(StringComparer.Ordinal).Count());
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>
    /// Verify that a broadcast record the function fails on outside its keys gives one dead letter, not one per key group,
    /// and one it fails on for a single key inside <c>ApplyToKeyedState</c> gives one dead letter naming that key (from the
    /// key group holding it); the other records go on.
    /// </summary>
    [Fact]
    public async Task A_broadcast_record_that_fails_must_give_one_dead_letter()
    {
        var input = new List<(Ev Value, long Time)> { (new Ev("rule", "", 50, 1_000), 1_000) };
        input.AddRange(Enumerable.Range(0, 40).Select(i => (new Ev("tx", "acct-" + i.ToString(CultureInfo.InvariantCulture), 80, 2_000 + i), 2_000L + i)));
        input.Add((new Ev("rule", "", -1, 5_000), 5_000)); // fails outside the keys, in every key group
        input.Add((new Ev("rule", "", 70, 6_000), 6_000)); // visits the keys: acct-7's visit fails
        input.Add((new Ev("rule", "", 60, 7_000), 7_000));

        var system = await ActorFlowCluster.StartNodeAsync("broadcast-once", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var main = new ConcurrentQueue<string>();
            var dead = new ConcurrentQueue<DeadLetterRecord>();
            var job = await JobRunner.StartAsync(
                system,
                Job("broadcast-failure", new BoundedListSource<Ev>([input], chunk: 7), new QueueSink<string>(main), new QueueSink<string>(new ConcurrentQueue<string>()), dead, failingKey: "acct-7"),
                new JobRunnerOptions());
            await job.Completion.WaitAsync(TimeSpan.FromSeconds(60));

            Assert.Equal(
                ["operator 'alerts' failed on a broadcast record, applying it to key 'acct-7': InvalidOperationException: no visit for acct-7",
                 "operator 'alerts' failed on a broadcast record: ArgumentOutOfRangeException: a threshold is not negative (Parameter 'value')"],
                dead.Select(d => d.Reason).Order(StringComparer.Ordinal));
            var acks = main.Where(m => m.StartsWith("ack", StringComparison.Ordinal)).ToList();
            Assert.Contains("ack 50", acks);
            Assert.Contains("ack 60", acks);
            Assert.DoesNotContain("ack -1", acks);
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    public void Dispose() => _data.Dispose();

    private static StreamJob Job(string name, ISourceConnector<Ev> source, ISinkConnector<string> sink, ISinkConnector<string> audit, ConcurrentQueue<DeadLetterRecord>? dead = null, string? failingKey = null)
    {
        var builder = StreamJobBuilder.Create(name);
        if (dead is not null)
        {
            builder.WithDeadLetters(new QueueSink<DeadLetterRecord>(dead));
        }

        var events = builder.FromSource("events", source, WatermarkStrategy<Ev>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(1)).WithTimestampAssigner((e, _) => e.Time));
        var rules = events.Where(e => e.Kind == "rule").Select(e => e.Number).Broadcast(Rules);
        events.Where(e => e.Kind == "tx")
            .KeyBy(e => e.Key)
            .Connect(rules)
            .Process("alerts", () => new ThresholdAlerts(failingKey))
            .SideOutputTo(Audit, audit)
            .To(sink);
        return builder.Build();
    }

    private sealed record Ev(string Kind, string Key, long Number, long Time);

    /// <summary>Alerts on a transaction above the threshold; acknowledges each rule on the main output and audits it on a side output.</summary>
    private sealed class ThresholdAlerts(string? failingKey) : KeyedBroadcastProcessFunction<string, Ev, long, string>
    {
        public override void ProcessElement(Ev value, ReadOnlyContext context, ICollector<string> output)
        {
            if (context.GetBroadcastState(Rules).TryGetValue("threshold", out var threshold) && value.Number > threshold)
            {
                output.Collect($"alert {value.Key}");
            }

            context.State.GetState(Seen).Update(value.Number);
        }

        public override void ProcessBroadcastElement(long value, Context context, ICollector<string> output)
        {
            if (value < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(value), "a threshold is not negative");
            }

            context.GetBroadcastState(Rules)["threshold"] = value;
            if (value == 70)
            {
                context.ApplyToKeyedState(Seen, (key, state) => output.Collect(key == failingKey ? throw new InvalidOperationException($"no visit for {key}") : $"visit {key} {state.Value}"));
            }

            output.Collect("ack " + value.ToString(CultureInfo.InvariantCulture));
            context.Output(Audit, "rule " + value.ToString(CultureInfo.InvariantCulture));
        }
    }
}

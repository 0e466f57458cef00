using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.State;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Tests.EndToEnd;
using Akka;
using Akka.Streams.Dsl;
using Confluent.Kafka;

namespace ActorFlow.Topology.Tests.Graphs;

/// <summary>Functions, sinks and reference computations of the job-graph specs. Window results are "user|start|count".</summary>
internal static class GraphJobs
{
    /// <summary>The source of the clicks topic written by <see cref="ClickTopics"/> (user key, event time value), bounded out-of-orderness 1 s.</summary>
    public static DataStream<Click> Clicks(StreamJobBuilder builder, ConsumerSettings<byte[], byte[]> consumer, string topic, int partitions) =>
        builder.FromSource(topic, KafkaConnectors.Source(consumer, Subscriptions.Assignment([.. Enumerable.Range(0, partitions).Select(p => new TopicPartition(topic, p))]), ClickTopics.Format.FromKafka),
            WatermarkStrategy<Click>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(1)).WithTimestampAssigner((c, _) => c.Time));

    /// <summary>The window start of a "user|start|count" record.</summary>
    public static long StartOf(string result) => long.Parse(result.Split('|')[1], CultureInfo.InvariantCulture);

    /// <summary>Reference: the top <paramref name="n"/> users per window ("start|user:count,…", count descending, then user), from counts "user|start" → count.</summary>
    public static List<string> TopPerWindow(Dictionary<string, long> counts, int n) =>
        [.. counts.Select(c => (User: c.Key.Split('|')[0], Start: long.Parse(c.Key.Split('|')[1], CultureInfo.InvariantCulture), Count: c.Value))
            .GroupBy(c => c.Start)
            .Select(g => Format(g.Key, g.Select(c => (c.User, c.Count)), n))
            .Order(StringComparer.Ordinal)];

    public static string Format(long start, IEnumerable<(string User, long Count)> counts, int n) =>
        string.Create(CultureInfo.InvariantCulture, $"{start}|") +
        string.Join(",", counts.OrderByDescending(c => c.Count).ThenBy(c => c.User, StringComparer.Ordinal).Take(n).Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.User}:{c.Count}")));

    /// <summary>
    /// Keyed by window start: collects the window's counts and, when the watermark passes the window's end, emits the
    /// top <paramref name="n"/> (Nexmark q5's shape: a second keyed stage over the first one's window results).
    /// </summary>
    public sealed class TopN(int n) : KeyedProcessFunction<long, string, string>
    {
        private IListState<string> _counts = null!;

        public override bool ReplaysDeterministically => true;

        public override void Open(IKeyedStateStore state) => _counts = state.GetListState(new ListStateDescriptor<string>("counts"));

        public override void ProcessElement(string value, Context context, ICollector<string> output)
        {
            _counts.Add(value);
            context.TimerService.RegisterEventTimeTimer(context.Timestamp!.Value);
        }

        public override void OnTimer(long timestamp, OnTimerContext context, ICollector<string> output)
        {
            var counts = _counts.Get().Select(c => c.Split('|')).Select(p => (p[0], long.Parse(p[2], CultureInfo.InvariantCulture))).ToList();
            _counts.Clear();
            output.Collect(Format(context.CurrentKey, counts, n));
        }
    }

    /// <summary>Keyed by user: the running total of the user's window counts, emitted as "user|start|total" per window.</summary>
    public sealed class RunningTotal : KeyedProcessFunction<string, string, string>
    {
        private IValueState<long> _total = null!;

        public override bool ReplaysDeterministically => true;

        public override void Open(IKeyedStateStore state) => _total = state.GetState(new ValueStateDescriptor<long>("total"));

        public override void ProcessElement(string value, Context context, ICollector<string> output)
        {
            var parts = value.Split('|');
            var total = _total.Value + long.Parse(parts[2], CultureInfo.InvariantCulture);
            _total.Update(total);
            output.Collect(string.Create(CultureInfo.InvariantCulture, $"{parts[0]}|{parts[1]}|{total}"));
        }
    }
}

using System.Globalization;
using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Serialization;
using ActorFlow.Operators.State;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Operators.Windowing;
using ActorFlow.Parquet;
using ActorFlow.Topology.Dsl;
using Akka.Actor;
using Confluent.Kafka;

namespace ActorFlow.ScenarioJob;

/// <summary>
/// The two jobs of the scenario, both over the "clicks" topic (4 partitions, key = user, value = event time in
/// epoch ms): a job graph (a windowed count into "counts", re-partitioned by window into a per-window summary in
/// "windows", and joined with itself by an interval join into "pairs") and a keyed process function with event-time
/// timers into "totals". Every node builds them the same way (same code, same serializers).
/// </summary>
internal static class ScenarioJobs
{
    public const string CountJob = "scenario-count";
    public const string TotalsJob = "scenario-totals";
    public const string LandingJob = "scenario-landing";

    /// <summary>
    /// The landing job: every click as a row (its Kafka partition and offset, user and time) in Parquet files under
    /// <paramref name="lake"/>, in <c>user=…</c> directories, rolled every 500 rows and committed by checkpoints.
    /// </summary>
    public static StreamJob Landing(ActorSystem system, string servers, string lake)
    {
        var consumer = ConsumerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(servers).WithGroupId(LandingJob);
        var partitions = Enumerable.Range(0, 4).Select(p => new TopicPartition("clicks", p)).ToArray();
        return StreamJobBuilder.Create(LandingJob)
            .FromSource("clicks", KafkaConnectors.Source(consumer, Subscriptions.Assignment(partitions), r => new LandedClick
            {
                Partition = r.Partition.Value,
                Offset = r.Offset.Value,
                User = Encoding.UTF8.GetString(r.Message.Key),
                Time = long.Parse(Encoding.UTF8.GetString(r.Message.Value), CultureInfo.InvariantCulture),
            }), WatermarkStrategy<LandedClick>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(1)).WithTimestampAssigner((c, _) => c.Time))
            .To(ParquetSink.For(lake, new ParquetSinkOptions<LandedClick>
            {
                PartitionBy = ParquetPartitioning.ByField<LandedClick>("bucket", c => c.Partition),
                RollRecords = 500,
                RowGroupSize = 200,
            }))
            .Build();
    }

    /// <summary>
    /// Three outputs of one job graph: "user|windowStart|count" per user and 1 s tumbling window ("counts", hop 1);
    /// "windowStart|users|clicks" per window, keyed by window ("windows", hop 2); and "user|windowStart|count|nextCount"
    /// for each window followed by the user's next one, an interval join of the counts with themselves one second
    /// later ("pairs", hop 2).
    /// </summary>
    public static StreamJob Count(ActorSystem system, string servers)
    {
        var producer = Producer(system, servers);
        var counts = Source(system, servers, CountJob)
            .Process("count", () => WindowOperators.For<string, (string User, long Time)>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)))
                .Aggregate(new CountClicks(), new Label()));
        var job = counts.To(KafkaConnectors.ExactlyOnceSink<string>(producer, "counts", s => (null, Encoding.UTF8.GetBytes(s))));
        counts.KeyBy(c => long.Parse(c.Split('|')[1], CultureInfo.InvariantCulture))
            .Process("per-window", () => KeyedProcessOperators.Create(new PerWindow()))
            .To(KafkaConnectors.ExactlyOnceSink<string>(producer, "windows", s => (null, Encoding.UTF8.GetBytes(s))));
        counts.KeyBy(c => c.Split('|')[0]).IntervalJoin(counts.KeyBy(c => c.Split('|')[0]))
            .Between(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1))
            .Process("next", (count, next) => count + "|" + next.Split('|')[2])
            .To(KafkaConnectors.ExactlyOnceSink<string>(producer, "pairs", s => (null, Encoding.UTF8.GetBytes(s))));
        return job.Build();
    }

    /// <summary>"user|bucketEnd|count|runningTotal" per user and 1 s bucket, emitted by an event-time timer.</summary>
    public static StreamJob Totals(ActorSystem system, string servers) =>
        Source(system, servers, TotalsJob)
            .Process("totals", () => KeyedProcessOperators.Create(new RunningTotals()))
            .To(KafkaConnectors.ExactlyOnceSink<string>(Producer(system, servers), "totals", s => (null, Encoding.UTF8.GetBytes(s))))
            .Build();

    private static KeyedStream<string, (string User, long Time)> Source(ActorSystem system, string servers, string job)
    {
        // Each job has its own group id: the group only shows progress, the checkpoint record holds the offsets.
        // Each job has its own group id: the group only shows progress, the checkpoint record holds the offsets.
        // Partitions are assigned by the job, not by the consumer group: a killed member would hold its partitions
        // for a session timeout, and the checkpoint record, not the group, says where each partition starts.
        // The serializers ((string, long) and string are built in) let key groups live on other nodes.
        var consumer = ConsumerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(servers).WithGroupId(job);
        var partitions = Enumerable.Range(0, 4).Select(p => new TopicPartition("clicks", p)).ToArray();
        return StreamJobBuilder.Create(job)
            .WithSerializers(new SerializerRegistry())
            .FromSource("clicks", KafkaConnectors.Source(consumer, Subscriptions.Assignment(partitions), Decode),
                WatermarkStrategy<(string User, long Time)>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(1)).WithTimestampAssigner((c, _) => c.Time))
            .KeyBy(c => c.User);
    }

    private static (string User, long Time) Decode(ConsumeResult<byte[], byte[]> r) =>
        (Encoding.UTF8.GetString(r.Message.Key), long.Parse(Encoding.UTF8.GetString(r.Message.Value), CultureInfo.InvariantCulture));

    private static ProducerSettings<byte[], byte[]> Producer(ActorSystem system, string servers) =>
        ProducerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(servers);
}

/// <summary>Per window (keyed by its start): the number of users and of clicks, emitted when the watermark passes the window.</summary>
internal sealed class PerWindow : KeyedProcessFunction<long, string, string>
{
    private IValueState<long> _users = null!;
    private IValueState<long> _clicks = null!;

    public override bool ReplaysDeterministically => true;

    public override void Open(IKeyedStateStore state)
    {
        _users = state.GetState(new ValueStateDescriptor<long>("users"));
        _clicks = state.GetState(new ValueStateDescriptor<long>("clicks"));
    }

    public override void ProcessElement(string value, Context context, ICollector<string> output)
    {
        _users.Update(_users.Value + 1);
        _clicks.Update(_clicks.Value + long.Parse(value.Split('|')[2], CultureInfo.InvariantCulture));
        context.TimerService.RegisterEventTimeTimer(context.Timestamp!.Value);
    }

    public override void OnTimer(long timestamp, OnTimerContext context, ICollector<string> output)
    {
        output.Collect(string.Create(CultureInfo.InvariantCulture, $"{context.CurrentKey}|{_users.Value}|{_clicks.Value}"));
        _users.Clear();
        _clicks.Clear();
    }
}

/// <summary>Counts a window's records.</summary>
internal sealed class CountClicks : IAggregateFunction<(string User, long Time), long, long>
{
    public long CreateAccumulator() => 0;

    public long Add((string User, long Time) value, long accumulator) => accumulator + 1;

    public long GetResult(long accumulator) => accumulator;

    public long Merge(long a, long b) => a + b;
}

/// <summary>Emits "user|windowStart|count".</summary>
internal sealed class Label : ProcessWindowFunction<string, long, string>
{
    public override void Process(string key, ProcessWindowContext context, IReadOnlyList<long> elements, ICollector<string> output) =>
        output.Collect(string.Create(CultureInfo.InvariantCulture, $"{key}|{context.Window.Start}|{elements[0]}"));
}

/// <summary>
/// Per user: counts clicks per 1 s bucket of event time in map state and registers an event-time timer at the
/// bucket's last millisecond; when it fires, adds the bucket to the user's running total (value state) and emits
/// "user|bucketEnd|count|total". A click for a bucket whose timer already fired (late) is emitted as
/// "user|late|time", so a test sees it.
/// </summary>
internal sealed class RunningTotals : KeyedProcessFunction<string, (string User, long Time), string>
{
    private IMapState<long, long> _buckets = null!;
    private IValueState<long> _total = null!;

    public override void Open(IKeyedStateStore state)
    {
        _buckets = state.GetMapState(new MapStateDescriptor<long, long>("buckets"));
        _total = state.GetState(new ValueStateDescriptor<long>("total"));
    }

    public override void ProcessElement((string User, long Time) value, Context context, ICollector<string> output)
    {
        var end = value.Time - (((value.Time % 1000) + 1000) % 1000) + 999;
        if (end <= context.TimerService.CurrentWatermark)
        {
            output.Collect(string.Create(CultureInfo.InvariantCulture, $"{context.CurrentKey}|late|{value.Time}"));
            return;
        }

        _buckets.Put(end, _buckets.TryGetValue(end, out var count) ? count + 1 : 1);
        context.TimerService.RegisterEventTimeTimer(end);
    }

    public override void OnTimer(long timestamp, OnTimerContext context, ICollector<string> output)
    {
        if (!_buckets.TryGetValue(timestamp, out var count))
        {
            return;
        }

        _buckets.Remove(timestamp);
        var total = _total.Value + count;
        _total.Update(total);
        output.Collect(string.Create(CultureInfo.InvariantCulture, $"{context.CurrentKey}|{timestamp}|{count}|{total}"));
    }
}

/// <summary>A click as the landing job writes it.</summary>
internal sealed class LandedClick
{
    public int Partition { get; set; }

    public long Offset { get; set; }

    public string User { get; set; } = "";

    public long Time { get; set; }
}

using System.Diagnostics;
using ActorFlow.Benchmarks.Kafka;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Operators.Windowing;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using Akka.Actor;
using Confluent.Kafka;

namespace ActorFlow.Benchmarks.Runtime;

/// <summary>
/// The three readers of the input topic, all built from the same <see cref="ConsumerSettings{TKey,TValue}"/>
/// (reference.conf's tuned kafka-clients) and all reading every partition from the beginning by manual assignment.
/// </summary>
public sealed class Contenders(ActorSystem system, ConsumerSettings<byte[], byte[]> settings, JobRunnerOptions options)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private int _jobs;

    /// <summary>A raw Confluent consumer: <c>Assign</c> + a <c>Consume</c> loop that counts.</summary>
    public RunResult Raw(InputTopic topic)
    {
        var allocated = GC.GetTotalAllocatedBytes();
        var paused = GC.GetTotalPauseDuration();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var (start, first, end) = RawClients.Read(settings, topic.FromBeginning(), topic.Records, Timeout);
        return new RunResult(topic.Records, start, first, end, GC.GetTotalAllocatedBytes() - allocated, GC.GetTotalPauseDuration() - paused,
            Process.GetCurrentProcess().TotalProcessorTime - cpu);
    }

    /// <summary>(a) Kafka → Where (drops key % 10 == 0) → Select (the produce timestamp) → counting sink.</summary>
    public Task<RunResult> StatelessAsync(InputTopic topic, ActorFlow.Topology.Connectors.ISourceConnector<BenchEvent>? memory = null)
    {
        var sink = new CountingSink<long>(topic.Kept, _ => 1);
        return RunAsync(topic, sink, "stateless", (name, source) => StreamJobBuilder.Create(name)
            .FromSource("input", source, WatermarkStrategy<BenchEvent>.NoWatermarks())
            .Where(e => BenchEvent.Keep(e.Key))
            .Select(e => e.Produced)
            .To(sink)
            .Build(), memory);
    }

    /// <summary>
    /// Issue 16: the stateless job fed Avro: the source decodes each value (Confluent wire format, a 10-field specific
    /// record) with <see cref="ActorFlow.Avro.AvroSerde{T}"/>; Where drops one account in ten, Select takes the items.
    /// </summary>
    public Task<RunResult> StatelessAvroAsync(InputTopic topic, ActorFlow.Avro.IRecordDeserializer<Bench.Records.Transaction> serde)
    {
        var sink = new CountingSink<int>(topic.Kept, _ => 1);
        return RunAsync(topic.Records, sink, "stateless-avro", (name, source) => StreamJobBuilder.Create(name)
            .FromSource("input", AvroSource(topic, serde), WatermarkStrategy<Bench.Records.Transaction>.NoWatermarks())
            .Where(t => BenchEvent.Keep(t.account))
            .Select(t => t.items)
            .To(sink)
            .Build());
    }

    /// <summary>Diagnostic (Nexmark q0): Kafka → counting sink, no Where/Select, to separate the cost of the DSL steps.</summary>
    public Task<RunResult> PassThroughAsync(InputTopic topic, ActorFlow.Topology.Connectors.ISourceConnector<BenchEvent>? memory = null)
    {
        var sink = new CountingSink<BenchEvent>(topic.Records, _ => 1);
        return RunAsync(topic, sink, "passthrough", (name, source) => StreamJobBuilder.Create(name)
            .FromSource("input", source, WatermarkStrategy<BenchEvent>.NoWatermarks())
            .To(sink)
            .Build(), memory);
    }

    /// <summary>(b) Kafka → KeyBy(key) → tumbling 10 s event-time count per key → counting sink (done when the counts sum to every real record).</summary>
    public Task<RunResult> TumblingCountAsync(InputTopic topic, ActorFlow.Topology.Connectors.ISourceConnector<BenchEvent>? memory = null)
    {
        var sink = new CountingSink<long>(topic.Real, count => count);
        return RunAsync(topic, sink, "tumbling", (name, source) => StreamJobBuilder.Create(name)
            .FromSource("input", source, WatermarkStrategy<BenchEvent>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(1)).WithTimestampAssigner((_, ts) => ts))
            .KeyBy(e => e.Key)
            .Process("count", () => WindowOperators.For<long, BenchEvent>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(10))).Aggregate(new CountPerWindow()))
            .To(sink)
            .Build(), memory);
    }

    /// <summary>
    /// Issue 15, two stages: the tumbling count per key, re-partitioned by window (<c>KeyBy(start)</c>, a second hop) into
    /// the top 3 keys per window (Nexmark q5's shape); done when the windows' totals sum to every real record.
    /// </summary>
    public Task<RunResult> TwoStageAsync(InputTopic topic)
    {
        var sink = new CountingSink<WindowTop>(topic.Real, top => top.Total);
        return RunAsync(topic.Records, sink, "two-stage", (name, source) => StreamJobBuilder.Create(name)
            .WithSerializers(BenchSerializers.Registry())
            .FromSource("input", source(topic), TumblingWatermarks())
            .KeyBy(e => e.Key)
            .Process("count", () => WindowOperators.For<long, BenchEvent>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(10)))
                .Aggregate(new CountPerWindow(), (key, window, count) => new WindowCount(key, window.Start, count)))
            .KeyBy(c => c.Start)
            .Process("top3", () => KeyedProcessOperators.Create(new TopPerWindow(3)))
            .To(sink)
            .Build());
    }

    /// <summary>
    /// Issue 15, chaining: a per-record operator (<see cref="PassOn"/>) chained by <c>KeepKey</c> to the tumbling count on
    /// the same key, one hop; every record crosses the chained link. Done as the tumbling job.
    /// </summary>
    public Task<RunResult> ChainedAsync(InputTopic topic)
    {
        var sink = new CountingSink<long>(topic.Real, count => count);
        return RunAsync(topic.Records, sink, "chained", (name, source) => StreamJobBuilder.Create(name)
                .FromSource("input", source(topic), TumblingWatermarks())
                .KeyBy(e => e.Key)
                .Process("pass", () => KeyedProcessOperators.Create(new PassOn()))
                .KeepKey(e => e.Key)
                .Process("count", () => WindowOperators.For<long, BenchEvent>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(10))).Aggregate(new CountPerWindow()))
                .To(sink)
                .Build());
    }

    /// <summary>
    /// Issue 15, a window join of two topics on the key, 10 s tumbling windows, emitting one long per pair; done when
    /// the sink has <paramref name="pairs"/> pairs.
    /// </summary>
    public Task<RunResult> WindowJoinAsync(InputTopic left, InputTopic right, long pairs)
    {
        var sink = new CountingSink<long>(pairs, _ => 1);
        return RunAsync(left.Records + right.Records, sink, "join", (name, source) =>
        {
            var builder = StreamJobBuilder.Create(name).WithSerializers(BenchSerializers.Registry());
            builder.FromSource("left", source(left), TumblingWatermarks())
                .Join(builder.FromSource("right", source(right), TumblingWatermarks()))
                .Where(e => e.Key).EqualTo(e => e.Key)
                .Window(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(10)))
                .Apply("join", (l, r) => l.Key)
                .To(sink);
            return builder.Build();
        });
    }

    private ActorFlow.Topology.Connectors.ISourceConnector<Bench.Records.Transaction> AvroSource(InputTopic topic, ActorFlow.Avro.IRecordDeserializer<Bench.Records.Transaction> serde)
    {
        return ActorFlow.Avro.Kafka.AvroKafkaConnectors.Source(settings, Subscriptions.AssignmentWithOffset(topic.FromBeginning()), new FirstRecordClock(serde, this));
    }

    private long _first;

    /// <summary>Notes when the first record is decoded (the start of the steady rate), then decodes with the serde.</summary>
    private sealed class FirstRecordClock(ActorFlow.Avro.IRecordDeserializer<Bench.Records.Transaction> inner, Contenders owner) : ActorFlow.Avro.IRecordDeserializer<Bench.Records.Transaction>
    {
        public Bench.Records.Transaction Deserialize(byte[]? payload, string? topic = null, int partition = -1, long offset = -1)
        {
            if (Volatile.Read(ref owner._first) == 0)
            {
                Interlocked.CompareExchange(ref owner._first, Stopwatch.GetTimestamp(), 0);
            }

            return inner.Deserialize(payload, topic, partition, offset);
        }
    }

    private static WatermarkStrategy<BenchEvent> TumblingWatermarks() =>
        WatermarkStrategy<BenchEvent>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(1)).WithTimestampAssigner((_, ts) => ts);

    private async Task<RunResult> RunAsync<TOut>(InputTopic topic, CountingSink<TOut> sink, string kind, Func<string, ActorFlow.Topology.Connectors.ISourceConnector<BenchEvent>, StreamJob> build,
        ActorFlow.Topology.Connectors.ISourceConnector<BenchEvent>? memory) =>
        await RunAsync(topic.Records, sink, kind, (name, source) => build(name, memory ?? source(topic)), fromMemory: memory is not null);

    /// <summary>Runs the job <paramref name="build"/> makes from Kafka sources that note the first record read (<c>source(topic)</c>).</summary>
    private async Task<RunResult> RunAsync<TOut>(long records, CountingSink<TOut> sink, string kind,
        Func<string, Func<InputTopic, ActorFlow.Topology.Connectors.ISourceConnector<BenchEvent>>, StreamJob> build, bool fromMemory = false)
    {
        _first = 0;
        ActorFlow.Topology.Connectors.ISourceConnector<BenchEvent> Source(InputTopic topic) => KafkaConnectors.Source(settings, Subscriptions.AssignmentWithOffset(topic.FromBeginning()), r =>
        {
            if (Volatile.Read(ref _first) == 0)
            {
                Interlocked.CompareExchange(ref _first, Stopwatch.GetTimestamp(), 0);
            }

            return BenchEvent.Decode(r);
        });
        var job = build($"{kind}-{Interlocked.Increment(ref _jobs)}", Source);
        var allocated = GC.GetTotalAllocatedBytes();
        var paused = GC.GetTotalPauseDuration();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var start = Stopwatch.GetTimestamp();
        var running = JobRunner.Start(system, job, options);
        try
        {
            var end = await sink.Done.WaitAsync(Timeout);
            return new RunResult(records, start, fromMemory ? start : Volatile.Read(ref _first), end,
                GC.GetTotalAllocatedBytes() - allocated, GC.GetTotalPauseDuration() - paused, Process.GetCurrentProcess().TotalProcessorTime - cpu);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The {kind} job reached {sink.Total:N0} of {sink.Expected:N0} within {Timeout}.");
        }
        finally
        {
            await running.StopAsync(TimeSpan.FromSeconds(30));
        }
    }
}

using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using ActorFlow.Benchmarks.Checkpoints;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Operators.Windowing;
using ActorFlow.Persistence.Config;
using ActorFlow.Tests.Shared;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;

namespace ActorFlow.Benchmarks.Bounded;

/// <summary>
/// <c>-- bounded [--records N] [--partitions P] [--rounds R]</c>: a keyed tumbling 1 s count over 10,000 keys read
/// from a bounded Kafka source (<c>KafkaConnectors.BoundedSource</c>), run in streaming mode (default options) and in
/// batch mode (<c>ExecutionMode.Batch</c>) over the same topic, rounds alternating the order. Each run is timed from
/// <c>JobRunner.StartAsync</c> to <c>RunningJob.Completion</c> (the job ends by itself), and its output is checked:
/// the counts add up to N and both modes emit the same number of windows. Prints a Markdown section.
/// </summary>
public static class BoundedHarness
{
    private const long Base = 1_700_000_000_000;
    private const int Keys = 10_000;

    public static async Task<int> RunAsync(string[] args)
    {
        var records = Option(args, "--records", 10_000_000);
        var partitions = Option(args, "--partitions", 48);
        var rounds = Option(args, "--rounds", 2);
        if (records / partitions > 240_000)
        {
            Console.Error.WriteLine($"--records {records} over {partitions} partitions: at most 240,000 per partition (the mock cluster drops older records beyond ~250,000).");
            return 2;
        }

        var report = new List<string> { $"load average before: {Uptime()}", $"{records:N0} records, {partitions} partitions, {Keys:N0} keys, 100 records per key per 1 s window, {(System.Runtime.GCSettings.IsServerGC ? "Server" : "Workstation")} GC" };
        using var kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Topics = new Dictionary<string, int> { ["events"] = partitions } });
        var produced = Stopwatch.StartNew();
        BenchJobs.Produce(kafka.BootstrapServers, "events", 0, records, Keys, Base, 0.01);
        report.Add($"produced in {produced.Elapsed.TotalSeconds:F1} s");
        Console.WriteLine(report[^1]);

        var results = new Dictionary<ExecutionMode, List<double>> { [ExecutionMode.Streaming] = [], [ExecutionMode.Batch] = [] };
        var raws = new List<double>();
        for (var round = 1; round <= rounds; round++)
        {
            // The ceiling of any mode: one raw consumer reading and decoding the same records, no job.
            var rawSettings = ConsumerSettings<byte[], byte[]>.Create(KafkaDefaults.Config, null, null).WithBootstrapServers(kafka.BootstrapServers);
            var (rawStart, _, rawEnd) = Kafka.RawClients.Read(rawSettings, Enumerable.Range(0, partitions).Select(p => new Confluent.Kafka.TopicPartitionOffset("events", p, Confluent.Kafka.Offset.Beginning)), records,
                TimeSpan.FromMinutes(10), r => _ = Decode(r));
            var rawSeconds = Stopwatch.GetElapsedTime(rawStart, rawEnd).TotalSeconds;
            raws.Add(rawSeconds);
            var rawLine = string.Create(CultureInfo.InvariantCulture, $"round {round}, raw consumer (read + decode, no job): {rawSeconds:F1} s, {records / rawSeconds:N0} records/s; load {Uptime()}");
            Console.WriteLine(rawLine);
            report.Add(rawLine);
            ExecutionMode[] order = round % 2 == 1 ? [ExecutionMode.Streaming, ExecutionMode.Batch] : [ExecutionMode.Batch, ExecutionMode.Streaming];
            long? windows = null;
            foreach (var mode in order)
            {
                var (seconds, summary, peak, paused) = await RunAsync(kafka.BootstrapServers, mode, records, round);
                results[mode].Add(seconds);
                var line = string.Create(CultureInfo.InvariantCulture,
                    $"round {round}, {mode}: {seconds:F1} s, {records / seconds:N0} records/s; {summary.RecordsEmitted:N0} windows, {summary.Checkpoints} checkpoints, peak working set during the run {peak / (1024 * 1024):N0} MB, GC paused {paused:P0} of it; load {Uptime()}");
                Console.WriteLine(line);
                report.Add(line);
                if (windows is { } w && w != summary.RecordsEmitted)
                {
                    throw new InvalidOperationException($"The modes disagree: {w} windows vs {summary.RecordsEmitted}.");
                }

                windows = summary.RecordsEmitted;
            }
        }

        var streaming = results[ExecutionMode.Streaming].Order().ElementAt(results[ExecutionMode.Streaming].Count / 2);
        var batch = results[ExecutionMode.Batch].Order().ElementAt(results[ExecutionMode.Batch].Count / 2);
        var raw = raws.Order().ElementAt(raws.Count / 2);
        report.Add(string.Create(CultureInfo.InvariantCulture, $"median: streaming {streaming:F1} s, batch {batch:F1} s: batch is {streaming / batch:F2}x as fast"));
        report.Add(string.Create(CultureInfo.InvariantCulture,
            $"median raw read {raw:F1} s: the fastest a run could be; 2x streaming would be {streaming / 2:F1} s, {(streaming / 2 < raw ? "below" : "above")} it (the raw read alone is {streaming / raw:F2}x the streaming run's speed)"));
        Console.WriteLine();
        Console.WriteLine("### Bounded run: batch mode vs streaming mode");
        foreach (var line in report)
        {
            Console.WriteLine("- " + line);
        }

        return 0;
    }

    private static async Task<(double Seconds, JobSummary Summary, long PeakWorkingSet, double GcPaused)> RunAsync(string bootstrap, ExecutionMode mode, long records, int round)
    {
        // The process's own peak (PeakWorkingSet64) covers every earlier run: this run's is sampled while it runs.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var peak = Environment.WorkingSet;
        using var sampler = new Timer(_ => InterlockedMax(ref peak, Environment.WorkingSet), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(50));
        var pausedBefore = GC.GetTotalPauseDuration();
        using var dir = new TempDirectory("actorflow-bench-bounded");
        var system = await ActorFlowCluster.StartNodeAsync("bench-bounded", StateStoreSettings.Sqlite(dir.Path));
        try
        {
            var sink = new SummingSink(records);
            var consumer = ConsumerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(bootstrap).WithGroupId($"bounded-{mode}-{round}");
            var job = StreamJobBuilder.Create("bench-bounded")
                .FromSource("events", KafkaConnectors.BoundedSource(consumer, Subscriptions.Topics("events"), Decode),
                    WatermarkStrategy<KeyedEvent>.ForBoundedOutOfOrderness(TimeSpan.Zero).WithTimestampAssigner((e, _) => e.Time))
                .KeyBy(e => e.Key)
                .Process("count", () => WindowOperators.For<string, KeyedEvent>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1))).Aggregate(new Count()))
                .To(sink)
                .Build();
            var started = Stopwatch.GetTimestamp();
            var running = await JobRunner.StartAsync(system, job, new JobRunnerOptions { ExecutionMode = mode, CheckpointTimeout = TimeSpan.FromMinutes(5) });
            var summary = await running.Completion.WaitAsync(TimeSpan.FromMinutes(20));
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            if (sink.Total != records || !summary.EndOfInput)
            {
                throw new InvalidOperationException($"{mode}: the counts add up to {sink.Total:N0}, not {records:N0} (end of input: {summary.EndOfInput}).");
            }

            var paused = (GC.GetTotalPauseDuration() - pausedBefore).TotalSeconds / seconds;
            return (seconds, summary, Interlocked.Read(ref peak), paused);
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(60));
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var seen = Interlocked.Read(ref target);
        while (value > seen && Interlocked.CompareExchange(ref target, value, seen) is var was && was != seen)
        {
            seen = was;
        }
    }

    private static KeyedEvent Decode(Confluent.Kafka.ConsumeResult<byte[], byte[]> r) =>
        new(Encoding.UTF8.GetString(r.Message.Key), BinaryPrimitives.ReadInt64BigEndian(r.Message.Value));

    private static int Option(string[] args, string name, int fallback) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;

    private static string Uptime() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

    private sealed class Count : IAggregateFunction<KeyedEvent, long, long>
    {
        public long CreateAccumulator() => 0;

        public long Add(KeyedEvent value, long accumulator) => accumulator + 1;

        public long GetResult(long accumulator) => accumulator;

        public long Merge(long a, long b) => a + b;
    }
}

using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using ActorFlow.Benchmarks.Checkpoints;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Operators.Windowing;
using ActorFlow.Parquet;
using ActorFlow.Persistence.Config;
using ActorFlow.Tests.Shared;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using Parquet;
using Parquet.Serialization;

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
        var input = Array.IndexOf(args, "--input") is var at and >= 0 && at + 1 < args.Length ? args[at + 1] : "kafka";
        // --only streaming|batch: one mode (to profile it).
        // --batch-source-parallelism N: row groups a batch-mode run reads at once (JobRunnerOptions.BatchSourceParallelism).
        _batchSourceParallelism = Option(args, "--batch-source-parallelism", _batchSourceParallelism);
        // --batch-lanes N: threads applying the key groups in place (JobRunnerOptions.BatchKeyGroupParallelism).
        _batchLanes = Option(args, "--batch-lanes", _batchLanes);
        // --batch-size N: most records per key-group batch in batch-mode runs (JobRunnerOptions.BatchSize; streaming keeps 1,000).
        _batchModeBatchSize = Option(args, "--batch-size", _batchModeBatchSize);
        // --batch-parallelism N: key-group batches in flight in batch-mode runs (JobRunnerOptions.Parallelism; streaming keeps 4).
        _batchModeParallelism = Option(args, "--batch-parallelism", _batchModeParallelism);
        // --window-seconds N: the Parquet job's tumbling window (1 s: 1,000,000 windows over the 10M rows; 10 s: 100,000).
        _windowSeconds = Option(args, "--window-seconds", _windowSeconds);
        // --batch-on-entities: batch mode applies the first hop's batches on the key-group entities, as streaming mode
        // does (JobRunnerOptions.BatchKeyGroupsInPlace = false), instead of in place on the job's node.
        _batchInPlace = !args.Contains("--batch-on-entities");
        // --no-pre-aggregation: batch mode applies every record to its window (JobRunnerOptions.BatchPreAggregation = false).
        _preAggregate = !args.Contains("--no-pre-aggregation");
        // --plain-strings: the Parquet input's key column written plain (Parquet.Net 6.1's default), not
        // dictionary-encoded (what ParquetSink, DuckDB, Spark and Arrow write, and the default here).
        _dictionaryKeys = !args.Contains("--plain-strings");
        var only = Array.IndexOf(args, "--only") is var o and >= 0 && o + 1 < args.Length ? Enum.Parse<ExecutionMode>(args[o + 1], ignoreCase: true) : (ExecutionMode?)null;
        if (input == "parquet")
        {
            // --keep-every N: only every Nth row goes on to the keyed stage (the others are dropped before KeyBy), to see
            // what the keyed path costs per record and what it costs per window (the windows stay the same).
            // --job-only: skip the raw read and the source-only ceilings (a profile then covers the keyed job alone).
            // --isolated: every measured run in a process of its own, after a warm-up run of the same mode there (no
            // heap or GC budget carried over from the other mode's run); --input-dir: read the files already there.
            if (args.Contains("--isolated") && args.Contains("--input-dir"))
            {
                Console.Error.WriteLine("--isolated writes the files itself: --input-dir is for its child processes.");
                return 2;
            }

            return Array.IndexOf(args, "--input-dir") is var d and >= 0 && d + 1 < args.Length
                ? await RunParquetAsync(records, partitions, rounds, only, Option(args, "--keep-every", 1), args.Contains("--job-only"), args[d + 1])
                : args.Contains("--isolated")
                ? await RunIsolatedAsync(args, records, partitions, rounds, only)
                : await RunParquetAsync(records, partitions, rounds, only, Option(args, "--keep-every", 1), args.Contains("--job-only"));
        }

        if (input != "kafka")
        {
            Console.Error.WriteLine($"--input {input}: kafka or parquet.");
            return 2;
        }

        if (new[] { "--keep-every", "--job-only", "--isolated", "--input-dir", "--window-seconds" }.FirstOrDefault(args.Contains) is { } parquetOnly)
        {
            Console.Error.WriteLine($"{parquetOnly} applies to --input parquet only.");
            return 2;
        }

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

        var results = new List<(ExecutionMode Mode, int Position, double Seconds)>();
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
            var bootstrap = kafka.BootstrapServers;
            await MeasureModesAsync(round, only, records, report, results, mode => (system, sink) => KafkaJob(system, bootstrap, $"bounded-{mode}-{round}", sink));
        }

        Summarize(report, results, raws, "### Bounded run: batch mode vs streaming mode");
        return 0;
    }

    private static void Summarize(List<string> report, List<(ExecutionMode Mode, int Position, double Seconds)> results, List<double> raws, string title, List<(ExecutionMode Mode, double Seconds)>? sources = null, bool byPosition = true, List<double>? byHand = null)
    {
        static double? Median(IEnumerable<double> values) => values.Order().ToList() is { Count: > 0 } sorted
            ? sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2
            : null;
        if (Median(results.Where(r => r.Mode == ExecutionMode.Streaming).Select(r => r.Seconds)) is { } streaming
            && Median(results.Where(r => r.Mode == ExecutionMode.Batch).Select(r => r.Seconds)) is { } batch)
        {
            report.Add(string.Create(CultureInfo.InvariantCulture, $"median: streaming {streaming:F1} s, batch {batch:F1} s: batch is {streaming / batch:F2}x as fast"));
            // The first job after the raw read ran ~1.5 s slower than the second, whichever mode (Parquet input, 12-04):
            // the modes compared in the same position of their rounds.
            foreach (var (position, name) in byPosition ? new[] { (0, "first"), (1, "second") } : [])
            {
                if (Median(results.Where(r => r.Mode == ExecutionMode.Streaming && r.Position == position).Select(r => r.Seconds)) is { } s
                    && Median(results.Where(r => r.Mode == ExecutionMode.Batch && r.Position == position).Select(r => r.Seconds)) is { } b)
                {
                    report.Add(string.Create(CultureInfo.InvariantCulture, $"{name} in their round: streaming {s:F1} s, batch {b:F1} s (medians): batch is {s / b:F2}x as fast"));
                }
            }

            if (Median(raws) is { } raw)
            {
                report.Add(string.Create(CultureInfo.InvariantCulture,
                    $"median raw read {raw:F1} s: the fastest a run could be; 2x streaming would be {streaming / 2:F1} s, {(streaming / 2 < raw ? "below" : "above")} it (the raw read alone is {streaming / raw:F2}x the streaming run's speed)"));
            }
            foreach (var mode in new[] { ExecutionMode.Streaming, ExecutionMode.Batch })
            {
                if (Median((sources ?? []).Where(s => s.Mode == mode).Select(s => s.Seconds)) is { } source)
                {
                    report.Add(string.Create(CultureInfo.InvariantCulture,
                        $"median source-only run, {mode}: {source:F1} s: the fastest a keyed job in this mode could be; 2x streaming would be {streaming / 2:F1} s, {(streaming / 2 < source ? "below" : "above")} it"));
                }
            }

            if (Median(byHand ?? []) is { } hand)
            {
                report.Add(string.Create(CultureInfo.InvariantCulture,
                    $"median count by hand: {hand:F1} s: the keyed work with no engine around it; 2x streaming would be {streaming / 2:F1} s, {(streaming / 2 < hand ? "below" : "above")} it; batch mode took {batch / hand:F2}x the time by hand"));
            }
        }

        Console.WriteLine();
        Console.WriteLine(title);
        foreach (var line in report)
        {
            Console.WriteLine("- " + line);
        }
    }

    /// <summary>
    /// One round of the modes (streaming first in odd rounds, batch first in even ones, or only <paramref name="only"/>),
    /// each job built by <paramref name="build"/>, checked (both modes emit the same windows) and recorded with its
    /// position in the round.
    /// </summary>
    private static async Task MeasureModesAsync(int round, ExecutionMode? only, long records, List<string> report, List<(ExecutionMode Mode, int Position, double Seconds)> results,
        Func<ExecutionMode, Func<Akka.Actor.ActorSystem, SummingSink, StreamJob>> build, long? sinkTotal = null)
    {
        ExecutionMode[] order = only is { } one ? [one] : round % 2 == 1 ? [ExecutionMode.Streaming, ExecutionMode.Batch] : [ExecutionMode.Batch, ExecutionMode.Streaming];
        long? windows = null;
        for (var position = 0; position < order.Length; position++)
        {
            var mode = order[position];
            var (seconds, summary, peak, paused, cpu, jit) = await RunAsync(mode, records, build(mode), sinkTotal);
            results.Add((mode, position, seconds));
            var line = string.Create(CultureInfo.InvariantCulture,
                $"round {round}, {mode}: {seconds:F1} s, {records / seconds:N0} records/s; {summary.RecordsEmitted:N0} windows, {summary.Checkpoints} checkpoints, peak working set during the run {peak / (1024 * 1024):N0} MB, GC paused {paused:P0} of it, process CPU {cpu:F1} s ({cpu / seconds:F2} cores), JIT during the run {jit.Methods:N0} methods in {jit.Seconds:F2} s; load {Uptime()}");
            Console.WriteLine(line);
            report.Add(line);
            if (windows is { } w && w != summary.RecordsEmitted)
            {
                throw new InvalidOperationException($"The modes disagree: {w} windows vs {summary.RecordsEmitted}.");
            }

            windows = summary.RecordsEmitted;
        }
    }

    /// <summary>
    /// <c>--isolated</c>: the files written once, then per round each mode (alternating which goes first) in a child
    /// process that runs the job <c>--warm-up</c> times and once more, and reports that last run, so that neither mode
    /// runs in a process the other mode ran in.
    /// </summary>
    private static async Task<int> RunIsolatedAsync(string[] args, int records, int files, int rounds, ExecutionMode? only)
    {
        // --warm-up N: runs of the same mode in the child before the measured one (1).
        var warmUps = Option(args, "--warm-up", 1);
        var passed = new List<string>();
        foreach (var name in new[] { "--keep-every", "--batch-source-parallelism", "--batch-lanes", "--batch-size", "--batch-parallelism", "--window-seconds" })
        {
            if (Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length)
            {
                passed.AddRange([name, args[i + 1]]);
            }
        }

        foreach (var flag in new[] { "--batch-on-entities", "--no-pre-aggregation" })
        {
            if (args.Contains(flag))
            {
                passed.Add(flag);
            }
        }

        var gc = string.Join(", ", Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(k => k.StartsWith("DOTNET_GC", StringComparison.OrdinalIgnoreCase) || k.StartsWith("DOTNET_gc", StringComparison.Ordinal)).Order(StringComparer.Ordinal).Select(k => $"{k}={Environment.GetEnvironmentVariable(k)}"));
        var report = new List<string>
        {
            $"load average before: {Uptime()}",
            $"{records:N0} rows in {files} Parquet files (row groups of {RowGroup:N0}, keys {(_dictionaryKeys ? "dictionary-encoded" : "plain")}), {Keys:N0} keys, {_windowSeconds} s windows; each run in a process of its own after {warmUps} warm-up run(s) of the same mode there; options {(passed.Count == 0 ? "none" : string.Join(' ', passed))}; {(System.Runtime.GCSettings.IsServerGC ? "Server" : "Workstation")} GC{(gc.Length == 0 ? "" : ", " + gc)}",
        };
        using var dir = new TempDirectory("actorflow-bench-bounded-parquet");
        await WriteFilesAsync(dir.Path, records, files);
        // The children run the same assembly through the dotnet host (under `dotnet run` this process is the apphost,
        // which takes no assembly argument).
        var host = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        long? windows = null;

        var results = new List<(ExecutionMode Mode, int Position, double Seconds)>();
        for (var round = 1; round <= rounds; round++)
        {
            ExecutionMode[] order = only is { } one ? [one] : round % 2 == 1 ? [ExecutionMode.Streaming, ExecutionMode.Batch] : [ExecutionMode.Batch, ExecutionMode.Streaming];
            for (var position = 0; position < order.Length; position++)
            {
                var mode = order[position];
                var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, UseShellExecute = false };
                foreach (var arg in (string[])[typeof(BoundedHarness).Assembly.Location, "bounded", "--input", "parquet", "--job-only", "--rounds", (warmUps + 1).ToString(CultureInfo.InvariantCulture), "--only", mode.ToString().ToLowerInvariant(),
                    "--records", records.ToString(CultureInfo.InvariantCulture), "--partitions", files.ToString(CultureInfo.InvariantCulture), "--input-dir", dir.Path, .. passed])
                {
                    start.ArgumentList.Add(arg);
                }

                using var child = Process.Start(start)!;
                var output = await child.StandardOutput.ReadToEndAsync();
                await child.WaitForExitAsync();
                var last = $"round {warmUps + 1}, ";
                var measured = output.Split('\n').FirstOrDefault(l => l.StartsWith($"{last}{mode}: ", StringComparison.Ordinal));
                if (child.ExitCode != 0 || measured is null)
                {
                    Console.Error.WriteLine(output);
                    throw new InvalidOperationException($"The {mode} child process failed (exit code {child.ExitCode}).");
                }

                var seconds = double.Parse(measured.Split(": ")[1].Split(' ')[0], CultureInfo.InvariantCulture);
                var emitted = long.Parse(measured.Split("; ")[1].Split(' ')[0], NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
                if (windows is { } w && w != emitted)
                {
                    throw new InvalidOperationException($"The modes disagree: {w} windows vs {emitted}.");
                }

                windows = emitted;
                results.Add((mode, position, seconds));
                var line = $"round {round}, {measured[last.Length..]}";
                Console.WriteLine(line);
                report.Add(line);
            }
        }

        Summarize(report, results, [], "### Bounded run from Parquet files, each run in its own process: batch mode vs streaming mode", byPosition: false);
        return 0;
    }

    private static async Task WriteFilesAsync(string directory, int records, int files)
    {
        var perFile = Enumerable.Range(0, files).Select(_ => new List<EventRow>(records / files + Keys)).ToArray();
        for (var i = 0; i < records; i++)
        {
            var key = i % Keys;
            perFile[key % files].Add(new EventRow { Key = KeyNames[key], Time = Base + (long)(i * 0.01) });
        }

        for (var f = 0; f < files; f++)
        {
            await using var stream = File.Create(Path.Combine(directory, $"events-{f:D3}.parquet"));
            var options = new ParquetOptions { RowGroupSize = RowGroup };
            if (_dictionaryKeys)
            {
                options.ColumnEncodingHints[nameof(EventRow.Key)] = EncodingHint.Dictionary;
            }

            await ParquetSerializer.SerializeAsync(perFile[f], stream, options);
            perFile[f] = [];
        }
    }

    /// <summary>
    /// <c>--input parquet</c>: the same job and rows read from Parquet files by <see cref="ParquetSource"/> (one file per
    /// "partition", keys spread over the files as the Kafka partitioner spreads them, each file in time order), so
    /// that reading the input is not the ceiling the embedded broker is. The raw read is Parquet.Net deserializing
    /// every row group of every file, no job. With <paramref name="inputDirectory"/> the files there are read (an
    /// <c>--isolated</c> parent wrote them).
    /// </summary>
    private static async Task<int> RunParquetAsync(int records, int files, int rounds, ExecutionMode? only, int keepEvery, bool jobOnly, string? inputDirectory = null)
    {
        var report = new List<string> { $"load average before: {Uptime()}", $"{records:N0} rows in {files} Parquet files (row groups of {RowGroup:N0}{(inputDirectory is null ? $", keys {(_dictionaryKeys ? "dictionary-encoded" : "plain")}" : "")}), {Keys:N0} keys, {10 * _windowSeconds} rows per key per {_windowSeconds} s window, batch mode reads {_batchSourceParallelism} row groups at once, batch key groups {(_batchInPlace ? $"in place ({_batchLanes} lanes{(_preAggregate ? ", records pre-aggregated" : "")})" : "on their entities")}, {(System.Runtime.GCSettings.IsServerGC ? "Server" : "Workstation")} GC" };
        using var temporary = inputDirectory is null ? new TempDirectory("actorflow-bench-bounded-parquet") : null;
        var directory = inputDirectory ?? temporary!.Path;
        var written = Stopwatch.StartNew();
        if (inputDirectory is null)
        {
            await WriteFilesAsync(directory, records, files);
        }
        report.Add($"written in {written.Elapsed.TotalSeconds:F1} s");
        Console.WriteLine(report[^1]);
        var results = new List<(ExecutionMode Mode, int Position, double Seconds)>();
        var raws = new List<double>();
        var sources = new List<(ExecutionMode Mode, double Seconds)>();
        var byHand = new List<double>();
        for (var round = 1; round <= rounds; round++)
        {
            if (!jobOnly)
            {
                await MeasureCeilingsAsync(round);
            }

            await MeasureModesAsync(round, only, records, report, results, _ => (_, sink) => Thinned(Events("bench-bounded", directory), keepEvery)
                .KeyBy(e => e.Key)
                .Process("count", () => WindowOperators.For<string, EventRow>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(_windowSeconds))).Aggregate(new Count<EventRow>()))
                .To(sink)
                .Build(), sinkTotal: records / keepEvery);
        }

        Summarize(report, results, raws, "### Bounded run from Parquet files: batch mode vs streaming mode", sources, byHand: byHand);
        return 0;

        async Task MeasureCeilingsAsync(int round)
        {
            var rawStart = Stopwatch.GetTimestamp();
            long read = 0;
            foreach (var file in Directory.GetFiles(directory, "*.parquet"))
            {
                await using var stream = File.OpenRead(file);
                await using var reader = await ParquetReader.CreateAsync(stream);
                for (var g = 0; g < reader.RowGroupCount; g++)
                {
                    stream.Position = 0;
                    read += (await ParquetSerializer.DeserializeAsync<EventRow>(stream, null, g)).Data.Count;
                }
            }

            var rawSeconds = Stopwatch.GetElapsedTime(rawStart).TotalSeconds;
            if (read != records)
            {
                throw new InvalidOperationException($"The raw read found {read:N0} rows, not {records:N0}.");
            }

            raws.Add(rawSeconds);
            var rawLine = string.Create(CultureInfo.InvariantCulture, $"round {round}, raw Parquet.Net read (every row group, no job): {rawSeconds:F1} s, {records / rawSeconds:N0} rows/s; load {Uptime()}");
            Console.WriteLine(rawLine);
            report.Add(rawLine);
            // The job's own ceiling on this input, per mode: the same source and watermarks, every row counted and
            // dropped before the sink (no keyed stage, nothing delivered: the keyed job's sink takes only its 1M
            // windows). The modes read the files differently: streaming every row group at once (their watermarks
            // align), batch BatchSourceParallelism row groups at a time.
            foreach (var mode in only is { } one ? [one] : new[] { ExecutionMode.Streaming, ExecutionMode.Batch })
            {
                long seen = 0;
                var (sourceSeconds, _, sourcePeak, sourcePaused, sourceCpu, _) = await RunAsync(mode, records, (_, sink) => Events("bench-bounded-source", directory)
                    .Where(_ => Interlocked.Increment(ref seen) < 0)
                    .Select(_ => 1L)
                    .To(sink)
                    .Build(), sinkTotal: 0);
                if (Interlocked.Read(ref seen) is var counted && counted != records)
                {
                    throw new InvalidOperationException($"The source-only run saw {counted:N0} rows, not {records:N0}.");
                }

                sources.Add((mode, sourceSeconds));
                var sourceLine = string.Create(CultureInfo.InvariantCulture,
                    $"round {round}, source only, {mode} (ParquetSource with watermarks, each row counted and dropped, no keyed stage, nothing to the sink): {sourceSeconds:F1} s, {records / sourceSeconds:N0} rows/s, peak working set {sourcePeak / (1024 * 1024):N0} MB, GC paused {sourcePaused:P0}, process CPU {sourceCpu:F1} s; load {Uptime()}");
                Console.WriteLine(sourceLine);
                report.Add(sourceLine);
            }

            // The keyed job's work done by hand: the same source (read as batch mode reads it), and each row counted
            // into its key's window in one dictionary on the stream's thread (no key-by, no key groups, no window
            // operator, no timers), the windows then read out once. Optimistic for a job: its results are summed here,
            // not delivered through a sink.
            var readAs = only ?? ExecutionMode.Batch;
            var counts = new Dictionary<(string Key, long Window), long>();
            var windowMillis = _windowSeconds * 1000L;
            var (handSeconds, _, handPeak, handPaused, handCpu, _) = await RunAsync(readAs, records, (_, sink) => Thinned(Events("bench-bounded-by-hand", directory), keepEvery)
                .Where(CountsNothing)
                .Select(_ => 1L)
                .To(sink)
                .Build(), sinkTotal: 0);
            bool CountsNothing(EventRow e)
            {
                CollectionsMarshal.GetValueRefOrAddDefault(counts, (e.Key, Math.DivRem(e.Time, windowMillis, out var rest) - (rest < 0 ? 1 : 0)), out _)++;
                return false;
            }

            var readOut = Stopwatch.GetTimestamp();
            long total = 0;
            foreach (var count in counts.Values)
            {
                total += count;
            }

            handSeconds += Stopwatch.GetElapsedTime(readOut).TotalSeconds;
            if (total != records / keepEvery)
            {
                throw new InvalidOperationException($"The count by hand adds up to {total:N0}, not {records / keepEvery:N0}.");
            }

            byHand.Add(handSeconds);
            var handLine = string.Create(CultureInfo.InvariantCulture,
                $"round {round}, by hand, read as {readAs} (the same source, each row counted into its key's window in one dictionary on the stream's thread, {counts.Count:N0} windows read out once; no key groups, no window operator, nothing to the sink): {handSeconds:F1} s, {records / handSeconds:N0} rows/s, peak working set {handPeak / (1024 * 1024):N0} MB, GC paused {handPaused:P0}, process CPU {handCpu:F1} s; load {Uptime()}");
            Console.WriteLine(handLine);
            report.Add(handLine);
        }
    }

    /// <summary>The Parquet rows of <paramref name="directory"/> with their event-time watermarks, as every Parquet job here reads them.</summary>
    private static DataStream<EventRow> Events(string job, string directory) => StreamJobBuilder.Create(job)
        .FromSource("events", ParquetSource.For<EventRow>(directory),
            WatermarkStrategy<EventRow>.ForBoundedOutOfOrderness(TimeSpan.Zero).WithTimestampAssigner((e, _) => e.Time));

    /// <summary>The stream itself, or (<c>--keep-every N</c>) only its every Nth row (counted on the stream's thread).</summary>
    private static DataStream<EventRow> Thinned(DataStream<EventRow> stream, int keepEvery)
    {
        long row = 0;
        return keepEvery == 1 ? stream : stream.Where(_ => ++row % keepEvery == 0);
    }

    private static StreamJob KafkaJob(Akka.Actor.ActorSystem system, string bootstrap, string group, SummingSink sink)
    {
        var consumer = ConsumerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(bootstrap).WithGroupId(group);
        return StreamJobBuilder.Create("bench-bounded")
            .FromSource("events", KafkaConnectors.BoundedSource(consumer, Subscriptions.Topics("events"), Decode),
                WatermarkStrategy<KeyedEvent>.ForBoundedOutOfOrderness(TimeSpan.Zero).WithTimestampAssigner((e, _) => e.Time))
            .KeyBy(e => e.Key)
            .Process("count", () => WindowOperators.For<string, KeyedEvent>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1))).Aggregate(new Count<KeyedEvent>()))
            .To(sink)
            .Build();
    }

    private static async Task<(double Seconds, JobSummary Summary, long PeakWorkingSet, double GcPaused, double CpuSeconds, JitDuring Jit)> RunAsync(ExecutionMode mode, long records, Func<Akka.Actor.ActorSystem, SummingSink, StreamJob> build, long? sinkTotal = null)
    {
        // The process's own peak (PeakWorkingSet64) covers every earlier run: this run's is sampled while it runs.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var peak = Environment.WorkingSet;
        using var sampler = new Timer(_ => InterlockedMax(ref peak, Environment.WorkingSet), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(50));
        var pausedBefore = GC.GetTotalPauseDuration();
        var cpuBefore = Environment.CpuUsage.TotalTime;
        using var dir = new TempDirectory("actorflow-bench-bounded");
        var system = await ActorFlowCluster.StartNodeAsync("bench-bounded", StateStoreSettings.Sqlite(dir.Path));
        try
        {
            var sink = new SummingSink(records);
            var job = build(system, sink);
            var jitMethods = System.Runtime.JitInfo.GetCompiledMethodCount();
            var jitTime = System.Runtime.JitInfo.GetCompilationTime();
            var started = Stopwatch.GetTimestamp();
            var running = await JobRunner.StartAsync(system, job, new JobRunnerOptions { ExecutionMode = mode, CheckpointTimeout = TimeSpan.FromMinutes(5), BatchSourceParallelism = _batchSourceParallelism, BatchKeyGroupsInPlace = _batchInPlace, BatchPreAggregation = _preAggregate, BatchKeyGroupParallelism = _batchLanes, BatchSize = mode == ExecutionMode.Batch ? _batchModeBatchSize : StreamingBatchSize, Parallelism = mode == ExecutionMode.Batch ? _batchModeParallelism : StreamingParallelism });
            var summary = await running.Completion.WaitAsync(TimeSpan.FromMinutes(20));
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var jit = new JitDuring(System.Runtime.JitInfo.GetCompiledMethodCount() - jitMethods, (System.Runtime.JitInfo.GetCompilationTime() - jitTime).TotalSeconds);
            if (sink.Total != (sinkTotal ?? records) || summary.RecordsRead != records || !summary.EndOfInput)
            {
                throw new InvalidOperationException($"{mode}: {summary.RecordsRead:N0} read, the counts add up to {sink.Total:N0}, not {sinkTotal ?? records:N0} (end of input: {summary.EndOfInput}).");
            }

            var paused = (GC.GetTotalPauseDuration() - pausedBefore).TotalSeconds / seconds;
            return (seconds, summary, Interlocked.Read(ref peak), paused, (Environment.CpuUsage.TotalTime - cpuBefore).TotalSeconds, jit);
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(60));
        }
    }

    /// <summary>What the JIT compiled while a run ran (tiering up code of the node's start counts too), from <see cref="System.Runtime.JitInfo"/>.</summary>
    private readonly record struct JitDuring(long Methods, double Seconds);

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

    private const int RowGroup = 50_000;

    private static readonly int StreamingBatchSize = new JobRunnerOptions().BatchSize;

    private static int _batchSourceParallelism = new JobRunnerOptions().BatchSourceParallelism;
    private static bool _batchInPlace = true;
    private static bool _preAggregate = true;

    private static int _batchLanes = new JobRunnerOptions().BatchKeyGroupParallelism;

    private static int _batchModeBatchSize = StreamingBatchSize;

    private static readonly int StreamingParallelism = new JobRunnerOptions().Parallelism;

    private static int _batchModeParallelism = StreamingParallelism;

    private static int _windowSeconds = 1;
    private static bool _dictionaryKeys = true;

    private static readonly string[] KeyNames = [.. Enumerable.Range(0, Keys).Select(k => "k" + k.ToString(CultureInfo.InvariantCulture))];

    /// <summary>A row of the Parquet input (the source maps columns to public settable properties).</summary>
    public sealed class EventRow
    {
        public string Key { get; set; } = "";

        public long Time { get; set; }
    }

    /// <summary>Counts the records of a window, whichever input the job reads.</summary>
    private sealed class Count<T> : IAggregateFunction<T, long, long>
    {
        public long CreateAccumulator() => 0;

        public long Add(T value, long accumulator) => accumulator + 1;

        public long GetResult(long accumulator) => accumulator;

        public long Merge(long a, long b) => a + b;
    }
}

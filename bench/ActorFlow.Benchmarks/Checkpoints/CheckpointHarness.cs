using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Persistence.Config;
using ActorFlow.Tests.Shared;
using ActorFlow.Topology.Runtime;
using Akka.Configuration;

namespace ActorFlow.Benchmarks.Checkpoints;

/// <summary>
/// <c>-- checkpoints [--records N] [--rounds R] [--warm-up W] [--state-mb M] [--only on|off] [--skip-throughput] [--skip-recovery] [--no-postgres]</c>:
/// throughput of a keyed tumbling count over 10,000 keys from the embedded broker with checkpoints every 1 s vs
/// none (rounds alternate), checkpoint duration and size, and recovery time (node start to first record
/// processed) for M MB of keyed state on SQLite and on PostgreSQL. <c>--only on</c> (or <c>off</c>) runs only the
/// throughput runs with (without) checkpoints, e.g. under a profiler. Prints a Markdown section for docs/benchmarks.md.
/// </summary>
public static class CheckpointHarness
{
    private const long Base = 1_700_000_000_000;
    private const int Keys = 10_000;
    private static int _partitions = 4;
    private static string? _snapshotStoreClass;
    private static int _restartLog;

    public static async Task<int> RunAsync(string[] args)
    {
        // More partitions allow longer runs (the mock cluster's per-partition limit below), which average out more noise.
        _partitions = Option(args, "--partitions", 4);
        // JobRunnerOptions.KeyGroupRestartLog (records kept per key group for a local restart); default: the option's default.
        _restartLog = Option(args, "--restart-log", new JobRunnerOptions().KeyGroupRestartLog);
        // A/B of the snapshot store (e.g. Akka.Persistence.Sql's own SqlSnapshotStore against ActorFlow's group commit).
        _snapshotStoreClass = Array.IndexOf(args, "--snapshot-store-class") is var c and >= 0 && c + 1 < args.Length ? args[c + 1] : null;
        var records = Option(args, "--records", 600_000);
        var rounds = Option(args, "--rounds", 3);
        var stateMb = Option(args, "--state-mb", 100);
        var only = Array.IndexOf(args, "--only") is var o and >= 0 && o + 1 < args.Length ? args[o + 1] : null;
        if (records / _partitions > 240_000)
        {
            // Measured: reading a 4-partition topic of 1.2 M records from the start gave ~250,000 per partition (no
            // gaps; the high watermarks said 300,000): the mock cluster had dropped the oldest records, and a run
            // would wait forever for counts that cannot arrive.
            Console.Error.WriteLine($"--records {records}: at most {240_000 * _partitions:N0} (librdkafka's mock cluster keeps about 250,000 records per partition here; older ones are dropped).");
            return 2;
        }

        var report = new List<string>
        {
            $"load average before: {Uptime()}",
            $"{_partitions} partitions, {records:N0} records per run, {(System.Runtime.GCSettings.IsServerGC ? "Server" : "Workstation")} GC, KeyGroupRestartLog {_restartLog}, snapshot store {_snapshotStoreClass ?? "from reference.conf (GroupCommitSnapshotStore)"}",
        };
        using var kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Topics = new Dictionary<string, int> { ["events"] = _partitions, ["state"] = _partitions } });
        using var checkpoints = new CheckpointListener();

        if (!args.Contains("--skip-throughput"))
        {
            BenchJobs.Produce(kafka.BootstrapServers, "events", 0, records, Keys, Base, 0.01); // 100,000 records per 1 s window
            BenchJobs.ProduceEnd(kafka.BootstrapServers, "events", _partitions, Base + 100_000_000);
            var without = new List<double>();
            var with = new List<double>();
            var cpuWithout = new List<double>();
            var cpuWith = new List<double>();
            // Uncounted runs first, one of each side: the first run in a process is JIT-cold, and so is the first run
            // that takes checkpoints (snapshot, store and record code), which would otherwise count against round 1.
            for (var w = 0; w < Option(args, "--warm-up", 1); w++)
            {
                foreach (var interval in new TimeSpan?[] { null, TimeSpan.FromSeconds(1) })
                {
                    var (rate, _, _, _) = await ThroughputAsync(kafka.BootstrapServers, records, interval, interval is null ? -(2 * w) : -(2 * w) - 1);
                    var line = string.Create(CultureInfo.InvariantCulture, $"warm-up run (not counted), checkpoints {(interval is null ? "off" : "every 1 s")}: {rate:N0} records/s");
                    Console.WriteLine(line);
                    report.Add(line);
                }
            }

            for (var round = 1; round <= rounds; round++)
            {
                // Alternate the order so warm-up and load drift do not favour one side.
                foreach (var interval in round % 2 == 1 ? new TimeSpan?[] { null, TimeSpan.FromSeconds(1) } : [TimeSpan.FromSeconds(1), null])
                {
                    if (only is not null && only != (interval is null ? "off" : "on"))
                    {
                        continue;
                    }

                    checkpoints.Reset();
                    var (rate, completed, failed, cpuUs) = await ThroughputAsync(kafka.BootstrapServers, records, interval, round);
                    (interval is null ? without : with).Add(rate);
                    (interval is null ? cpuWithout : cpuWith).Add(cpuUs);
                    var line = string.Create(CultureInfo.InvariantCulture,
                        $"round {round}, checkpoints {(interval is null ? "off" : "every 1 s")}: {rate:N0} records/s, {cpuUs:N2} µs CPU/record; checkpoints completed {completed}, failed {failed}{checkpoints.Describe()}; load {Uptime()}");
                    Console.WriteLine(line);
                    report.Add(line);
                }
            }

            if (with.Count > 0 && without.Count > 0)
            {
                report.Add(string.Create(CultureInfo.InvariantCulture,
                $"throughput with checkpoints every 1 s / without: mean {with.Average():N0} / {without.Average():N0} = {100 * with.Average() / without.Average():N1} % (target >= 90 %); per round: {string.Join(", ", with.Zip(without, (w, o) => (100 * w / o).ToString("N1", CultureInfo.InvariantCulture) + " %"))}"));
                report.Add(string.Create(CultureInfo.InvariantCulture,
                $"CPU per record with checkpoints every 1 s / without: mean {cpuWith.Average():N2} / {cpuWithout.Average():N2} µs = +{100 * (cpuWith.Average() / cpuWithout.Average() - 1):N1} % (the rate ratio if CPU-bound: {100 * cpuWithout.Average() / cpuWith.Average():N1} %)"));
            }
        }

        if (!args.Contains("--skip-recovery"))
        {
            var stores = new List<(string Name, Func<StateStoreSettings> Create, IDisposable? Owner)>();
            using var dir = new TempDirectory("actorflow-bench-recovery");
            stores.Add(("SQLite", () => StateStoreSettings.Sqlite(dir.Path), null));
            LocalPostgres? pg = null;
            if (!args.Contains("--no-postgres"))
            {
                try
                {
                    pg = new LocalPostgres();
                    var cs = pg.CreateDatabase();
                    stores.Add(("PostgreSQL", () => StateStoreSettings.PostgreSql(cs), pg));
                }
                catch (Exception e) when (e is InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
                {
                    report.Add("PostgreSQL: not available (" + e.Message + ")");
                }
            }

            try
            {
                var topic = 0;
                foreach (var (name, create, _) in stores)
                {
                    checkpoints.Reset();
                    var line = await RecoveryAsync(kafka, name, create, stateMb, topic++);
                    Console.WriteLine(line + checkpoints.Describe());
                    report.Add(line + checkpoints.Describe() + $"; load {Uptime()}");
                }
            }
            finally
            {
                pg?.Dispose();
            }
        }

        report.Add($"load average after: {Uptime()}");
        Console.WriteLine();
        Console.WriteLine(string.Join(Environment.NewLine, report.Select(r => "- " + r)));
        return 0;
    }

    private static async Task<(double Rate, long Completed, long Failed, double CpuUsPerRecord)> ThroughputAsync(string bootstrap, long records, TimeSpan? interval, int round)
    {
        using var dir = new TempDirectory("actorflow-bench-ckpt");
        var overrides = _snapshotStoreClass is null ? null : ConfigurationFactory.ParseString($"akka.persistence.snapshot-store.sql.class = \"{_snapshotStoreClass}\"");
        var system = await ActorFlowCluster.StartNodeAsync("bench", StateStoreSettings.Sqlite(dir.Path), overrides: overrides);
        try
        {
            var sink = new SummingSink(records);
            var started = Stopwatch.GetTimestamp();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var group = $"tp-{round}-{(interval is null ? "off" : "on")}";
            var job = await JobRunner.StartAsync(system, BenchJobs.TumblingCount(system, bootstrap, "events", group, sink), new JobRunnerOptions { CheckpointInterval = interval, KeyGroupRestartLog = _restartLog });
            var done = await sink.Done.WaitAsync(TimeSpan.FromMinutes(15));
            var rate = records / Stopwatch.GetElapsedTime(started, done).TotalSeconds;
            // CPU time of the whole process (job, client threads, the in-process mock broker) per record: less noisy
            // than the rate on 2 shared cores, and what checkpoints add shows up here as it is.
            var cpuUs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / records;
            var result = (rate, job.LastCompletedCheckpoint, job.FailedCheckpoints, cpuUs);
            await job.StopAsync(TimeSpan.FromSeconds(60));
            return result;
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(60));
        }
    }

    private static async Task<string> RecoveryAsync(EmbeddedKafka kafka, string name, Func<StateStoreSettings> store, int stateMb, int index)
    {
        const int keys = 1000;
        var bytesPerKey = stateMb * 1024 * 1024 / keys;
        var topic = "state" + index.ToString(CultureInfo.InvariantCulture);
        kafka.CreateTopic(topic, _partitions);
        BenchJobs.Produce(kafka.BootstrapServers, topic, 0, keys, keys, Base, 1);
        var group = "recovery-" + name;
        var system = await ActorFlowCluster.StartNodeAsync("bench-" + name, store());
        Persistence.Checkpoints.CheckpointRecord checkpoint;
        TimeSpan checkpointTime;
        try
        {
            var sink = new SummingSink(keys);
            var job = await JobRunner.StartAsync(system, BenchJobs.LargeState(system, kafka.BootstrapServers, topic, group, bytesPerKey, sink), new JobRunnerOptions { CheckpointInterval = null, CheckpointTimeout = TimeSpan.FromMinutes(5) });
            await sink.Done.WaitAsync(TimeSpan.FromMinutes(10));
            var before = Stopwatch.GetTimestamp();
            checkpoint = await job.CheckpointAsync().WaitAsync(TimeSpan.FromMinutes(5));
            checkpointTime = Stopwatch.GetElapsedTime(before);
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(60)); // a crash: no stop, no drain
        }

        BenchJobs.Produce(kafka.BootstrapServers, topic, keys, 1, keys, Base + 10_000, 1);
        var started = Stopwatch.GetTimestamp();
        var second = await ActorFlowCluster.StartNodeAsync("bench-" + name, store());
        try
        {
            var nodeUp = Stopwatch.GetElapsedTime(started);
            var sink = new SummingSink(1);
            var job = await JobRunner.StartAsync(second, BenchJobs.LargeState(second, kafka.BootstrapServers, topic, group, bytesPerKey, sink), new JobRunnerOptions { CheckpointInterval = null });
            var restored = Stopwatch.GetElapsedTime(started);
            var first = Stopwatch.GetElapsedTime(started, await sink.First.WaitAsync(TimeSpan.FromMinutes(5)));
            await job.StopAsync(TimeSpan.FromSeconds(60));
            return string.Create(CultureInfo.InvariantCulture,
                $"{name}, {checkpoint.TotalStateSizeBytes / 1e6:N1} MB in {checkpoint.KeyGroups.Length} key groups: checkpoint (CheckpointAsync round trip) {checkpointTime.TotalSeconds:N2} s; recovery: node up {nodeUp.TotalSeconds:N2} s, StartAsync returned (all key groups restored) {restored.TotalSeconds:N2} s, first record processed {first.TotalSeconds:N2} s after node start (target < 10 s)");
        }
        finally
        {
            await second.Terminate().WaitAsync(TimeSpan.FromSeconds(60));
        }
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string Uptime() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>Collects the coordinator's checkpoint durations and sizes from the <c>ActorFlow.Checkpoints</c> meter.</summary>
    private sealed class CheckpointListener : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<double> _durations = [];
        private readonly List<long> _sizes = [];

        public CheckpointListener()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "ActorFlow.Checkpoints")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<double>((i, v, _, _) =>
            {
                if (i.Name == "actorflow.checkpoint.duration")
                {
                    lock (_durations)
                    {
                        _durations.Add(v);
                    }
                }
            });
            _listener.SetMeasurementEventCallback<long>((i, v, _, _) =>
            {
                if (i.Name == "actorflow.checkpoint.size")
                {
                    lock (_durations)
                    {
                        _sizes.Add(v);
                    }
                }
            });
            _listener.Start();
        }

        public void Reset()
        {
            lock (_durations)
            {
                _durations.Clear();
                _sizes.Clear();
            }
        }

        public string Describe()
        {
            lock (_durations)
            {
                if (_durations.Count == 0)
                {
                    return string.Empty;
                }

                var sorted = _durations.Order().ToList();
                return string.Create(CultureInfo.InvariantCulture,
                    $"; checkpoint duration (barrier to durable record) median {sorted[sorted.Count / 2]:N0} ms, max {sorted[^1]:N0} ms; size median {_sizes.Order().ElementAt(_sizes.Count / 2) / 1e6:N2} MB");
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}

using System.Globalization;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Settings;
using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Runtime;

namespace ActorFlow.Benchmarks.Runtime;

/// <summary>
/// The issue-5 job-runtime benchmark (not BenchmarkDotNet): one process, one embedded broker, one pre-filled topic
/// read in each round by (1) a raw Confluent consumer, (2) the stateless map/filter job, (3) the tumbling 10 s count
/// per key job, all with the same consumer settings; then (c) the produce → sink latency of the stateless job at half
/// its median rate. Sinks count in memory. Options: <c>--records N</c> (1,000,000), <c>--keys N</c> (10,000),
/// <c>--value-bytes N</c> (100), <c>--partitions N</c> (32), <c>--rounds N</c> (3), <c>--warm-up N</c> (3, not counted),
/// <c>--batch-size N</c>, <c>--parallelism N</c>, <c>--checkpoint-interval-ms N</c> (JobRunnerOptions; defaults 1000, 4, 10 s; 0 = checkpoints off),
/// <c>--latency-rate N</c> (default: half the stateless median), <c>--latency-seconds N</c> (8), <c>--latency-warm-up N</c> (10 s), <c>--latency-partitions N</c> (24), <c>--latency-raw 0</c> (skip the same latency run with a raw consumer that comes first), <c>--only throughput|stateless|tumbling|kafka|graphs|latency|avro</c> (avro: the stateless job fed Avro records, against the raw consumer on the same topic; kafka: the Kafka → Kafka copy, raw loop and job with the Kafka sink; graphs: tumbling, two-stage, chained and the window join of two topics, <c>--join-records N</c> per side (half of --records), <c>--join-keys N</c> (100,000)), <c>--memory 1</c> (diagnostic: the jobs once more fed from memory, no Kafka),
/// <c>--allocations N</c> (diagnostic: the last round's sampled allocations by type, per contender: the top 15 types, or the top N for N &gt; 15), <c>--brokers N</c> (embedded brokers, 1), <c>--consumer-prop k=v</c> and <c>--producer-prop k=v</c> (repeatable; Kafka client settings over reference.conf's, the latter also over the latency producer's "no delivery reports").
/// </summary>
public static class RuntimeHarness
{
    public static async Task<int> RunAsync(string[] args)
    {
        var records = Option(args, "--records", 1_000_000);
        var keys = Option(args, "--keys", 10_000);
        var valueBytes = Option(args, "--value-bytes", 100);
        var partitions = Option(args, "--partitions", 32);
        var rounds = Option(args, "--rounds", 3);
        // Three uncounted rounds: the tumbling job kept speeding up over its first five passes (137k, 322k, 303k,
        // 398k, 523k rec/s on 2026-11-26; JIT tiering of the key-group path), and one warm-up round left round 1 cold.
        var warmUp = Option(args, "--warm-up", 3);
        var only = Text(args, "--only");
        var defaults = new JobRunnerOptions();
        var options = defaults with
        {
            BatchSize = Option(args, "--batch-size", defaults.BatchSize),
            Parallelism = Option(args, "--parallelism", defaults.Parallelism),
            KeyGroupRestartLog = Option(args, "--restart-log", defaults.KeyGroupRestartLog),
        };
        if (Text(args, "--checkpoint-interval-ms") is not null)
        {
            var ms = Option(args, "--checkpoint-interval-ms", 0);
            options = options with { CheckpointInterval = ms > 0 ? TimeSpan.FromMilliseconds(ms) : null };
        }

        using var load = new LoadSampler();
        Console.WriteLine($"{records:N0} records ({valueBytes} B values, {keys:N0} keys), {partitions} partitions, {rounds} round(s) + {warmUp} warm-up, " +
            $"{Environment.ProcessorCount} cores, .NET {Environment.Version}; BatchSize {options.BatchSize}, Parallelism {options.Parallelism}, CheckpointInterval {options.CheckpointInterval?.TotalSeconds.ToString(CultureInfo.InvariantCulture) ?? "off"} s, KeyGroupRestartLog {options.KeyGroupRestartLog}, " +
            $"{(System.Runtime.GCSettings.IsServerGC ? "Server" : "Workstation")} GC");
        Console.WriteLine($"uptime at start: {LoadSampler.Uptime()}");

        using var kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { BrokerCount = Option(args, "--brokers", 1) });
        var data = Directory.CreateTempSubdirectory("actorflow-bench-");
        var system = await ActorFlowCluster.StartNodeAsync("bench", StateStoreSettings.Sqlite(data.FullName));
        try
        {
            var consumer = ConsumerSettings<byte[], byte[]>.Create(KafkaDefaults.Config, null, null).WithBootstrapServers(kafka.BootstrapServers);
            var producer = ProducerSettings<byte[], byte[]>.Create(KafkaDefaults.Config, null, null).WithBootstrapServers(kafka.BootstrapServers);
            foreach (var (key, value) in Properties(args, "--consumer-prop"))
            {
                consumer = consumer.WithProperty(key, value);
            }

            // The latency run's producer stands in for the applications that write the input, which would run on
            // other machines: it keeps reference.conf's settings but asks for no delivery reports, which it would not
            // read and whose per-record callbacks take CPU the mock broker and the consumers need on 2 cores
            // (docs/benchmarks.md, "(c)").
            var latencyProducer = producer.WithProperty("dotnet.producer.enable.delivery.reports", "false");
            foreach (var (key, value) in Properties(args, "--producer-prop"))
            {
                producer = producer.WithProperty(key, value);
                latencyProducer = latencyProducer.WithProperty(key, value);
            }

            Console.WriteLine($"embedded broker: {kafka.BrokerCount} broker(s)");
            Console.WriteLine("consumer kafka-clients: " + string.Join(", ", consumer.Properties.Where(p => p.Key != "bootstrap.servers").Select(p => $"{p.Key}={p.Value}")));
            var contenders = new Contenders(system, consumer, options);
            var statelessMedian = 0.0;
            if (only is null or "throughput" or "stateless" or "tumbling" or "kafka" or "graphs")
            {
                // 100 µs of event time per record: 1,000,000 records span 100 s = 10 tumbling windows of 10 s.
                var topic = InputTopic.Fill(kafka, producer, "input", partitions, records, keys, valueBytes, eventTimeStepMicros: 100);
                Console.WriteLine($"filled {topic.Name}: {topic.Records:N0} records (with {partitions} markers), stateless keeps {topic.Kept:N0}");
                var copies = new KafkaToKafka(kafka, system, consumer, producer, options);
                Console.WriteLine("producer kafka-clients (Kafka → Kafka): " + string.Join(", ", producer.Properties.Where(p => p.Key != "bootstrap.servers").Select(p => $"{p.Key}={p.Value}")));
                var run = new List<(string Name, string? Of, Func<Task<RunResult>> Run)> { ("raw", null, () => Task.FromResult(contenders.Raw(topic))) };
                if (only is null or "throughput" or "stateless")
                {
                    run.Add(("stateless", "raw", () => contenders.StatelessAsync(topic)));
                }

                if (only is null or "throughput" or "tumbling" or "graphs")
                {
                    run.Add(("tumbling", "raw", () => contenders.TumblingCountAsync(topic)));
                }

                if (only is null or "kafka")
                {
                    run.Add(("copy-raw", "raw", () => copies.RawAsync(topic)));
                    run.Add(("copy-job", "copy-raw", () => copies.JobAsync(topic)));
                }

                if (only is null or "graphs")
                {
                    run.Add(("two-stage", "tumbling", () => contenders.TwoStageAsync(topic)));
                    run.Add(("chained", "tumbling", () => contenders.ChainedAsync(topic)));
                }

                if (only is null or "graphs")
                {
                    // Two topics filled alike for the window join: with 100,000 keys every key has one record per 10 s
                    // window on each side (the key sequence is a permutation of the keys over every 100,000 records).
                    var joinRecords = Option(args, "--join-records", records / 2);
                    var joinKeys = Option(args, "--join-keys", 100_000);
                    var left = InputTopic.Fill(kafka, producer, "join-left", partitions, joinRecords, joinKeys, valueBytes, eventTimeStepMicros: 100);
                    var right = InputTopic.Fill(kafka, producer, "join-right", partitions, joinRecords, joinKeys, valueBytes, eventTimeStepMicros: 100);
                    var pairs = BenchSerializers.JoinPairs(joinRecords, joinKeys, 100, 10_000);
                    Console.WriteLine($"filled {left.Name} and {right.Name}: {joinRecords:N0} records each over {joinKeys:N0} keys; the window join emits {pairs:N0} pairs");
                    run.Add(("join", null, () => contenders.WindowJoinAsync(left, right, pairs)));
                }

                var results = run.ToDictionary(c => c.Name, _ => new List<RunResult>());
                using var sampler = Text(args, "--allocations") is not null ? new AllocationSampler() : null;
                var sampled = Math.Max(15, Option(args, "--allocations", 15));
                for (var round = -warmUp; round < rounds; round++)
                {
                    var label = round < 0 ? "warm-up" : $"round {round + 1}";
                    var current = new Dictionary<string, RunResult>();
                    foreach (var (name, of, go) in run)
                    {
                        sampler?.Reset();
                        var r = await go();
                        if (sampler is not null && round == rounds - 1)
                        {
                            Console.WriteLine($"  allocation sample, {name}: " + string.Join(", ", sampler.Top(sampled).Select(x => $"{x.Type} {x.Share:P1}")));
                        }

                        current[name] = r;
                        var ratio = of is null ? "" : $"  = {r.Steady / current[of].Steady:P1} of {of}";
                        var perCore = name == "join" ? $"  ({r.Records / r.Cpu.TotalSeconds:N0} events per process-CPU second)" : "";
                        Console.WriteLine($"  {label}: {name,-9} {r}{ratio}{perCore}");
                        if (round >= 0)
                        {
                            results[name].Add(r);
                        }
                    }

                    Console.WriteLine($"  {label}: load {LoadSampler.Uptime()}");
                }

                foreach (var (name, of, _) in run)
                {
                    var median = Median(results[name], x => x.Steady);
                    var ratio = of is null ? "" : $" = {median / Median(results[of], x => x.Steady):P1} of {of} (per round: {string.Join(" / ", results[name].Zip(results[of], (a, b) => (a.Steady / b.Steady).ToString("P1", CultureInfo.InvariantCulture)))})";
                    var allocated = string.Join(" / ", results[name].Select(r => (r.Allocated / (double)r.Records).ToString("N0", CultureInfo.InvariantCulture)));
                    var gc = string.Join(" / ", results[name].Select(r => r.GcShare.ToString("P0", CultureInfo.InvariantCulture)));
                    var perCore = name == "join" ? $", {Median(results[name], x => x.Records / x.Cpu.TotalSeconds):N0} events per process-CPU second" : "";
                    Console.WriteLine($"MEDIAN steady {name}: {median:N0}/s{ratio}; allocated B/record {allocated}; GC paused {gc}{perCore}");
                    if (name == "stateless")
                    {
                        statelessMedian = median;
                    }
                }

                if (Text(args, "--memory") is not null)
                {
                    // Diagnostic: the same jobs fed from memory (no Kafka), timed from job start.
                    var memory = MemorySource.Like(topic, keys, eventTimeStepMicros: 100);
                    var ms = await contenders.StatelessAsync(topic, memory);
                    var mt = await contenders.TumblingCountAsync(topic, memory);
                    var mp = await contenders.PassThroughAsync(topic, memory);
                    var kp = await contenders.PassThroughAsync(topic);
                    Console.WriteLine($"  pass-through (no Where/Select): Kafka {kp}; in memory {mp.WithStartUp:N0}/s ({mp.Allocated / (double)mp.Records:N0} B/record, GC {mp.GcShare:P0})");
                    Console.WriteLine($"  in-memory source (from job start): stateless {ms.WithStartUp:N0}/s ({ms.Allocated / (double)ms.Records:N0} B/record, GC {ms.GcShare:P0}), " +
                        $"tumbling {mt.WithStartUp:N0}/s ({mt.Allocated / (double)mt.Records:N0} B/record, GC {mt.GcShare:P0})");
                }
            }

            if (only is "avro")
            {
                // Issue 16: the stateless job fed Avro (a 10-field specific record in the Confluent wire format, schema
                // in the host's embedded registry) against the raw consumer reading the same topic.
                var registry = ActorFlow.Avro.Registry.SchemaRegistryExtension.Get(system);
                var serde = registry.Serde<Bench.Records.Transaction>();
                var avroTopic = InputTopic.Fill(kafka, producer, "input-avro", partitions, records, keys, valueBytes, eventTimeStepMicros: 100, encode: (key, time) =>
                    serde.Serialize(
                        new Bench.Records.Transaction
                        {
                            id = "tx-" + time.ToString(CultureInfo.InvariantCulture),
                            account = key,
                            amount = 12.5 + (key % 100),
                            currency = "EUR",
                            timestamp = DateTimeOffset.FromUnixTimeMilliseconds(time).UtcDateTime,
                            merchant = "merchant-" + (key % 500).ToString(CultureInfo.InvariantCulture),
                            country = "NL",
                            approved = true,
                            score = 0.25f,
                            items = (int)(key % 7),
                        },
                        "input-avro"));
                Console.WriteLine($"filled {avroTopic.Name}: {avroTopic.Records:N0} Avro records (with {partitions} markers), stateless keeps {avroTopic.Kept:N0}");
                var results = new List<(RunResult Raw, RunResult Job)>();
                using var avroSampler = Text(args, "--allocations") is not null ? new AllocationSampler() : null;
                for (var round = -warmUp; round < rounds; round++)
                {
                    var raw = contenders.Raw(avroTopic);
                    avroSampler?.Reset();
                    var job = await contenders.StatelessAvroAsync(avroTopic, serde);
                    if (avroSampler is not null && round == rounds - 1)
                    {
                        Console.WriteLine("  allocation sample, stateless-avro: " + string.Join(", ", avroSampler.Top(15).Select(x => $"{x.Type} {x.Share:P1}")));
                    }

                    Console.WriteLine($"  {(round < 0 ? "warm-up" : $"round {round + 1}")}: raw {raw}; stateless-avro {job} = {job.Steady / raw.Steady:P1} of raw");
                    if (round >= 0)
                    {
                        results.Add((raw, job));
                    }
                }

                var rawMedian = Median(results.Select(r => r.Raw).ToList(), x => x.Steady);
                var jobMedian = Median(results.Select(r => r.Job).ToList(), x => x.Steady);
                Console.WriteLine($"MEDIAN steady stateless-avro: {jobMedian:N0}/s = {jobMedian / rawMedian:P1} of raw {rawMedian:N0}/s (per round: " +
                    $"{string.Join(" / ", results.Select(r => (r.Job.Steady / r.Raw.Steady).ToString("P1", CultureInfo.InvariantCulture)))}); allocated B/record " +
                    $"{string.Join(" / ", results.Select(r => (r.Job.Allocated / (double)r.Job.Records).ToString("N0", CultureInfo.InvariantCulture)))}");
            }

            if (only is null or "latency")
            {
                var rate = Option(args, "--latency-rate", (int)(statelessMedian / 2));
                if (rate <= 0)
                {
                    throw new ArgumentException("--only latency needs --latency-rate N.");
                }

                var seconds = Option(args, "--latency-seconds", 8);
                // The mock keeps 5 MiB per partition and trims the oldest batches beyond it, so a reader may lag by
                // ~4 s on 24 partitions at ~262k/s before records vanish unread (~1.3 s on 8); a 10 s warm-up leaves
                // start-up and JIT out of the measured span.
                var latencyPartitions = Option(args, "--latency-partitions", 24);
                var warmUpSeconds = TimeSpan.FromSeconds(Option(args, "--latency-warm-up", 10));
                Console.WriteLine($"latency: {rate:N0}/s on {latencyPartitions} partitions, {warmUpSeconds.TotalSeconds} s warm-up + {seconds} s measured");
                Console.WriteLine("latency producer kafka-clients: " + string.Join(", ", latencyProducer.Properties.Where(p => p.Key != "bootstrap.servers").Select(p => $"{p.Key}={p.Value}")));
                if (Option(args, "--latency-raw", 1) != 0)
                {
                    var lr = await LatencyRun.RunAsync(kafka, system, consumer, latencyProducer, options, latencyPartitions, keys, valueBytes, rate, warmUpSeconds, TimeSpan.FromSeconds(seconds), raw: true);
                    Console.WriteLine($"LATENCY raw consumer at {lr.Rate:N0}/s: p50 {lr.P50:F1} ms, p90 {lr.P90:F1} ms, p99 {lr.P99:F1} ms, p99.9 {lr.P999:F1} ms, max {lr.Max:F1} ms");
                }

                var l = await LatencyRun.RunAsync(kafka, system, consumer, latencyProducer, options, latencyPartitions, keys, valueBytes, rate, warmUpSeconds, TimeSpan.FromSeconds(seconds));
                Console.WriteLine($"LATENCY at {l.Rate:N0}/s target ({l.Achieved:N0}/s produced, {l.Measured:N0} measured, {l.Lost:N0} missing): " +
                    $"p50 {l.P50:F1} ms, p90 {l.P90:F1} ms, p99 {l.P99:F1} ms (target < 100 ms), p99.9 {l.P999:F1} ms, max {l.Max:F1} ms");
            }
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
            data.Delete(recursive: true);
        }

        Console.WriteLine($"uptime at end: {LoadSampler.Uptime()}");
        Console.WriteLine($"load average (1 min) during the run, sampled every 2 s: mean {load.Mean:F2}, max {load.Max:F2}");
        return 0;
    }

    private static double Median(List<RunResult> results, Func<RunResult, double> rate)
    {
        var sorted = results.Select(rate).Order().ToList();
        return sorted.Count == 0 ? 0 : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static int Option(string[] args, string name, int fallback) =>
        Text(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    /// <summary>Every <c>name key=value</c> pair (the option may repeat).</summary>
    private static IEnumerable<(string Key, string Value)> Properties(string[] args, string name)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == name)
            {
                var pair = i + 1 < args.Length ? args[i + 1].Split('=', 2) : [];
                if (pair.Length != 2)
                {
                    throw new ArgumentException($"{name} takes key=value, not '{(i + 1 < args.Length ? args[i + 1] : "")}'.");
                }

                yield return (pair[0], pair[1]);
            }
        }
    }

    private static string? Text(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}

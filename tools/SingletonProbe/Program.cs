// SingletonProbe: a manual scenario for JobRunner.StartSingletonAsync with real processes.
//   node <bootstrap> <postgres-cs> --name N --port P --seeds P1,P2,P3 [--interval-ms 2000] [--sigterm-leave]
//        one node of the cluster "probe": hosts the job's key groups, runs the job when it holds the singleton,
//        prints timestamped lines "EVENT ..." (the job started/stopped here, checkpoints, restarts, cluster events)
//   produce <bootstrap> --rate R --seconds S [--start I] [--end]
//        writes clicks (key user-k, value event time) at R per second, event time = Base + i*1000/R + jitter
//   end <bootstrap>        one far-future click per partition: every window fires
//   check <bootstrap>      reads clicks and counts, compares every window's count with the input's
//   dump <bootstrap> <topic>  every record of a one-partition topic with its epoch, index and writer headers
using System.Globalization;
using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Serialization;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Operators.Windowing;
using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Confluent.Kafka;

const long Base = 1_700_000_000_000;
const string JobName = "probe-count";

static void Log(string text) => Console.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} EVENT {text}");

static string? Opt(string[] a, string name) => Array.IndexOf(a, name) is var i and >= 0 && i + 1 < a.Length ? a[i + 1] : null;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: node|produce|end|check <bootstrap> ...");
    return 2;
}

var servers = args[1];
switch (args[0])
{
    case "node": return await NodeAsync(args, servers);
    case "produce": return Produce(args, servers);
    case "end": End(servers); return 0;
    case "check": return Check(servers);
    case "dump": Dump(servers, args[2]); return 0;
    default: return 2;
}

static async Task<int> NodeAsync(string[] a, string servers)
{
    var name = Opt(a, "--name") ?? "node";
    var port = int.Parse(Opt(a, "--port")!, CultureInfo.InvariantCulture);
    var seeds = Opt(a, "--seeds")!.Split(',').Select(p => new Address("akka.tcp", "probe", "127.0.0.1", int.Parse(p, CultureInfo.InvariantCulture))).ToList();
    var interval = TimeSpan.FromMilliseconds(int.Parse(Opt(a, "--interval-ms") ?? "2000", CultureInfo.InvariantCulture));
    var state = StateStoreSettings.PostgreSql(a[2]);
    var overrides = ConfigurationFactory.ParseString(Opt(a, "--hocon") ?? "akka.loglevel = INFO");
    Log($"{name}: starting node on port {port}, seeds {string.Join(",", seeds)}, pid {Environment.ProcessId}");
    var system = await ActorFlowCluster.StartNodeAsync("probe", state, seeds, overrides, port);
    var cluster = Cluster.Get(system);
    Log($"{name}: node up {cluster.SelfAddress} uid {cluster.SelfUniqueAddress.Uid}");
    system.ActorOf(Props.Create(() => new ClusterLogger(name)), "probe-cluster-logger");
    if (a.Contains("--sigterm-leave"))
    {
        // What ActorFlow.Hosting does on SIGTERM: a graceful leave (its coordinated shutdown), then the process exits.
        System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, ctx =>
        {
            ctx.Cancel = true;
            Log($"{name}: SIGTERM: running coordinated shutdown (leave)");
            _ = CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClusterLeavingReason.Instance);
        });
    }

    var options = new JobRunnerOptions { CheckpointInterval = interval };
    var handle = await JobRunner.StartSingletonAsync(system, () => Job(system, servers), options);
    Log($"{name}: singleton started (StartSingletonAsync returned)");
    RunningJob? seen = null;
    long lastCheckpoint = -1;
    int lastRestarts = 0;
    Exception? lastFailure = null;
    while (!system.WhenTerminated.IsCompleted)
    {
        var current = handle.Current;
        if (!ReferenceEquals(current, seen))
        {
            if (current is not null)
            {
                Log($"{name}: JOB RUNNING HERE (restored checkpoint {current.LastCompletedCheckpoint})");
            }
            else
            {
                Log($"{name}: JOB NOT HERE ANY MORE (completion: {handle.LastCompletion?.Status})");
            }

            seen = current;
            lastCheckpoint = current?.LastCompletedCheckpoint ?? -1;
            lastRestarts = current?.Restarts ?? 0;
        }

        if (current is not null)
        {
            if (current.LastCompletedCheckpoint != lastCheckpoint)
            {
                lastCheckpoint = current.LastCompletedCheckpoint;
                Log($"{name}: checkpoint {lastCheckpoint} complete (watermark {current.CurrentWatermark - Base})");
            }

            if (current.Restarts != lastRestarts)
            {
                lastRestarts = current.Restarts;
                Log($"{name}: job failover, restarts {lastRestarts}");
            }
        }

        if (handle.LastStartFailure is { } failure && !ReferenceEquals(failure, lastFailure))
        {
            lastFailure = failure;
            Log($"{name}: START FAILED: {failure.GetType().Name}: {failure.Message}");
        }

        await Task.Delay(100);
    }

    Log($"{name}: actor system terminated (reason {CoordinatedShutdown.Get(system).ShutdownReason})");
    return 0;
}

static StreamJob Job(ActorSystem system, string servers)
{
    var consumer = ConsumerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(servers).WithGroupId(JobName);
    var producer = ProducerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(servers);
    var partitions = Enumerable.Range(0, 4).Select(p => new TopicPartition("clicks", p)).ToArray();
    return StreamJobBuilder.Create(JobName)
        .WithSerializers(new SerializerRegistry())
        .FromSource("clicks", KafkaConnectors.Source(consumer, Subscriptions.Assignment(partitions), Decode),
            WatermarkStrategy<(string User, long Time)>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(1)).WithTimestampAssigner((c, _) => c.Time))
        .KeyBy(c => c.User)
        .Process("count", () => WindowOperators.For<string, (string User, long Time)>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)))
            .Aggregate(new CountClicks(), new Label()))
        .To(KafkaConnectors.ExactlyOnceSink<string>(producer, "counts", s => (null, Encoding.UTF8.GetBytes(s))))
        .Build();
}

static (string User, long Time) Decode(ConsumeResult<byte[], byte[]> r) =>
    (Encoding.UTF8.GetString(r.Message.Key), long.Parse(Encoding.UTF8.GetString(r.Message.Value), CultureInfo.InvariantCulture));

static int Produce(string[] a, string servers)
{
    var rate = int.Parse(Opt(a, "--rate") ?? "200", CultureInfo.InvariantCulture);
    var seconds = int.Parse(Opt(a, "--seconds") ?? "60", CultureInfo.InvariantCulture);
    var start = long.Parse(Opt(a, "--start") ?? "0", CultureInfo.InvariantCulture);
    var total = (long)rate * seconds;
    var config = new ProducerConfig { BootstrapServers = servers, EnableIdempotence = true, Acks = Acks.All, LingerMs = 5 };
    using var producer = new ProducerBuilder<byte[], byte[]>(config).Build();
    var random = new Random((int)start + 7);
    var clock = System.Diagnostics.Stopwatch.StartNew();
    for (var i = start; i < start + total; i++)
    {
        var due = TimeSpan.FromSeconds((double)(i - start) / rate);
        var wait = due - clock.Elapsed;
        if (wait > TimeSpan.Zero)
        {
            Thread.Sleep(wait);
        }

        var user = "user-" + (i % 30).ToString(CultureInfo.InvariantCulture);
        var time = Base + (i * 1000 / rate) + random.Next(-300, 300);
        producer.Produce("clicks", new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes(user), Value = Encoding.UTF8.GetBytes(time.ToString(CultureInfo.InvariantCulture)) });
        if ((i - start + 1) % (rate * 10) == 0)
        {
            Log($"produced {i - start + 1} of {total} (up to index {i})");
        }
    }

    producer.Flush(TimeSpan.FromSeconds(30));
    Log($"produced {total}, indices {start}..{start + total - 1}");
    if (a.Contains("--end"))
    {
        End(servers);
    }

    return 0;
}

static void End(string servers)
{
    using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = servers, EnableIdempotence = true, Acks = Acks.All }).Build();
    for (var p = 0; p < 4; p++)
    {
        producer.Produce(new TopicPartition("clicks", p), new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes("zz-end"), Value = Encoding.UTF8.GetBytes((Base + 100_000_000).ToString(CultureInfo.InvariantCulture)) });
    }

    producer.Flush(TimeSpan.FromSeconds(30));
    Log("end markers written to every partition");
}

static List<ConsumeResult<byte[], byte[]>> ReadAll(string servers, string topic, int partitions)
{
    var config = new ConsumerConfig { BootstrapServers = servers, GroupId = "probe-check-" + Guid.NewGuid(), EnableAutoCommit = false };
    using var consumer = new ConsumerBuilder<byte[], byte[]>(config).Build();
    var all = new List<ConsumeResult<byte[], byte[]>>();
    for (var p = 0; p < partitions; p++)
    {
        var tp = new TopicPartition(topic, p);
        var end = consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10)).High.Value;
        consumer.Assign(new TopicPartitionOffset(tp, Offset.Beginning));
        while (true)
        {
            var position = consumer.Position(tp);
            if (position.Value >= end && position != Offset.Unset)
            {
                break;
            }

            var r = consumer.Consume(TimeSpan.FromSeconds(10));
            if (r is null)
            {
                break;
            }

            if (r.IsPartitionEOF)
            {
                break;
            }

            all.Add(r);
            if (r.Offset.Value + 1 >= end)
            {
                break;
            }
        }

        consumer.Unassign();
    }

    return all;
}

static void Dump(string servers, string topic)
{
    // offset, epoch, index, writer and value of every record: which run wrote what, in which order
    foreach (var r in ReadAll(servers, topic, 1))
    {
        string H(string n) => r.Message.Headers?.TryGetLastBytes(n, out var b) == true ? Encoding.UTF8.GetString(b) : "-";
        Console.WriteLine($"{r.Offset.Value} epoch {H("actorflow.epoch")} index {H("actorflow.index")} writer {H("actorflow.writer")[..8]} {Encoding.UTF8.GetString(r.Message.Value)}");
    }
}

static int Check(string servers)
{
    var clicks = ReadAll(servers, "clicks", 4);
    var input = clicks.Select(r => (User: Encoding.UTF8.GetString(r.Message.Key), Time: long.Parse(Encoding.UTF8.GetString(r.Message.Value), CultureInfo.InvariantCulture)))
        .Where(c => c.User != "zz-end").ToList();
    var expected = input.GroupBy(c => (c.User, Start: c.Time - (((c.Time % 1000) + 1000) % 1000)))
        .ToDictionary(g => $"{g.Key.User}|{g.Key.Start}", g => g.Count());
    var output = ReadAll(servers, "counts", 1);
    Console.WriteLine($"input: {input.Count} clicks ({clicks.Count - input.Count} end markers); expected windows: {expected.Count}");
    Console.WriteLine($"output: {output.Count} records");
    var seen = new Dictionary<string, List<(int Count, long Offset, string Writer, string Epoch)>>();
    var writers = new Dictionary<string, int>();
    foreach (var r in output)
    {
        var text = Encoding.UTF8.GetString(r.Message.Value);
        var parts = text.Split('|');
        var key = parts[0] + "|" + parts[1];
        string H(string n) => r.Message.Headers?.TryGetLastBytes(n, out var b) == true ? Encoding.UTF8.GetString(b) : "-";
        var writer = H("actorflow.writer");
        writers[writer] = writers.GetValueOrDefault(writer) + 1;
        if (!seen.TryGetValue(key, out var list))
        {
            seen[key] = list = [];
        }

        list.Add((int.Parse(parts[2], CultureInfo.InvariantCulture), r.Offset.Value, writer, H("actorflow.epoch")));
    }

    Console.WriteLine($"writers: {string.Join(", ", writers.Select(w => $"{w.Key}={w.Value}"))}");
    var duplicates = seen.Where(s => s.Value.Count > 1).ToList();
    var missing = expected.Keys.Where(k => !seen.ContainsKey(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
    var extra = seen.Keys.Where(k => !expected.ContainsKey(k)).ToList();
    var wrong = seen.Where(s => expected.TryGetValue(s.Key, out var c) && s.Value.Any(v => v.Count != c)).ToList();
    Console.WriteLine($"distinct windows out: {seen.Count}; duplicates: {duplicates.Count}; missing: {missing.Count}; extra: {extra.Count}; wrong counts: {wrong.Count}");
    foreach (var d in duplicates.Take(10))
    {
        Console.WriteLine($"  duplicate {d.Key} (expected {expected.GetValueOrDefault(d.Key)}): {string.Join("; ", d.Value.Select(v => $"count {v.Count} @offset {v.Offset} writer {v.Writer} epoch {v.Epoch}"))}");
    }

    foreach (var m in missing.Take(10))
    {
        Console.WriteLine($"  missing {m} (expected {expected[m]})");
    }

    foreach (var w in wrong.Take(10))
    {
        Console.WriteLine($"  wrong {w.Key}: expected {expected[w.Key]}, got {string.Join(",", w.Value.Select(v => v.Count))}");
    }

    if (duplicates.Count > 0)
    {
        var byOffset = duplicates.SelectMany(d => d.Value.Skip(1)).OrderBy(v => v.Offset).ToList();
        Console.WriteLine($"  second copies at offsets {byOffset.First().Offset}..{byOffset.Last().Offset}");
    }

    var ok = duplicates.Count == 0 && missing.Count == 0 && extra.Count == 0 && wrong.Count == 0;
    Console.WriteLine(ok ? "RESULT: exactly once, every count right" : "RESULT: NOT exactly once");
    return ok ? 0 : 1;
}

internal sealed class ClusterLogger : ReceiveActor
{
    public ClusterLogger(string name)
    {
        ReceiveAny(m =>
        {
            if (m is ClusterEvent.IMemberEvent or ClusterEvent.IReachabilityEvent or ClusterEvent.LeaderChanged)
            {
                Console.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} EVENT {name}: cluster {m}");
            }
        });
    }

    protected override void PreStart() => Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
        typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent), typeof(ClusterEvent.LeaderChanged));
}

internal sealed class CountClicks : IAggregateFunction<(string User, long Time), long, long>
{
    public long CreateAccumulator() => 0;

    public long Add((string User, long Time) value, long accumulator) => accumulator + 1;

    public long GetResult(long accumulator) => accumulator;

    public long Merge(long a, long b) => a + b;
}

internal sealed class Label : ProcessWindowFunction<string, long, string>
{
    public override void Process(string key, ProcessWindowContext context, IReadOnlyList<long> elements, ICollector<string> output) =>
        output.Collect(string.Create(CultureInfo.InvariantCulture, $"{key}|{context.Window.Start}|{elements[0]}"));
}

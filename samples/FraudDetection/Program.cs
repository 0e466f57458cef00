// The first ActorFlow job to read. Until the fraud-detection issue replaces it, this is a minimal but real job on the
// embedded defaults (in-process Kafka, SQLite state in a temporary directory):
//   1. generate card transactions (deterministic for a --seed) into the topic "transactions", then one end-of-input
//      marker per partition, far in the future, so every partition's watermark passes every window;
//   2. run a job written with the DSL: Kafka source with a bounded-out-of-orderness watermark → key by card →
//      tumbling one-minute event-time windows summing each card's spend (the built-in Aggregates.Sum) → a Kafka sink
//      that writes each card-minute to "card-minutes", or to "alerts" when it is above the threshold;
//   3. wait until every window is out, stop the job, print counts, and exit 1 unless the output equals what this
//      program computes directly from the transactions it generated.
//
//   dotnet run -c Release --project samples/FraudDetection [-- --count N] [--seed S] [--bootstrap-servers host:port] [--data-dir DIR]
//
// --bootstrap-servers (or ACTORFLOW_BOOTSTRAP_SERVERS) uses a real Kafka: its three topics must be new, as the check
// counts everything in them. --data-dir keeps the job's state there (a job resumes from the latest checkpoint it finds).
using System.Diagnostics;
using System.Globalization;
using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Dsl;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Producer;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Operators.Windowing;
using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using Confluent.Kafka;

const string Transactions = "transactions";
const string CardMinutes = "card-minutes";
const string Alerts = "alerts";
const string EndOfInput = "end-of-input";       // the key of the markers; the job drops them once they moved the watermark
const long AlertThresholdCents = 250_000;       // a card spending more than 2,500.00 within one minute raises an alert
var window = TimeSpan.FromMinutes(1);

var count = 100_000;
var seed = 42;
var servers = Environment.GetEnvironmentVariable("ACTORFLOW_BOOTSTRAP_SERVERS");
string? dataDir = null;
for (var i = 0; i < args.Length - 1; i += 2)
{
    switch (args[i])
    {
        case "--count": count = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--seed": seed = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--bootstrap-servers": servers = args[i + 1]; break;
        case "--data-dir": dataDir = args[i + 1]; break;
        default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
    }
}

var total = Stopwatch.StartNew();
using var embedded = string.IsNullOrWhiteSpace(servers)
    ? EmbeddedKafka.Start(new EmbeddedKafkaOptions { Topics = new Dictionary<string, int> { [Transactions] = 4, [CardMinutes] = 1, [Alerts] = 1 } })
    : null;
servers = embedded?.BootstrapServers ?? servers!;
var temporaryDataDir = dataDir is null;
dataDir ??= Path.Combine(Path.GetTempPath(), $"actorflow-fraud-detection-{Guid.NewGuid():N}");
Console.WriteLine($"Kafka: {(embedded is null ? "external" : "embedded")} at {servers}; state: {dataDir}");

// What the job must write: the spend of every card in every minute (window start = time rounded down to the minute).
var transactions = Transaction.Generate(count, seed);
var expected = transactions
    .GroupBy(t => (t.Card, Start: t.Time - (t.Time % (long)window.TotalMilliseconds)))
    .Select(g => new CardMinute(g.Key.Card, g.Key.Start, g.Sum(t => t.AmountCents)))
    .ToList();
var expectedAlerts = expected.Count(m => m.TotalCents > AlertThresholdCents);

var system = await ActorFlowCluster.StartNodeAsync("fraud-detection", StateStoreSettings.Sqlite(dataDir));
var exitCode = 1;
try
{
    // 1. The input: the transactions, then an end-of-input marker per partition a day after the last one.
    var produce = Stopwatch.StartNew();
    var producerSettings = ProducerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(servers);
    await Source.From(transactions)
        .Select(t => new ProducerRecord<byte[], byte[]>(Transactions, t.ToMessage()))
        .RunWith(KafkaProducer.PlainSink(producerSettings), system.Materializer());
    using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = servers }).Build();
    var marker = new Transaction(EndOfInput, 0, transactions.Max(t => t.Time) + (long)TimeSpan.FromDays(1).TotalMilliseconds);
    await Source.From(Enumerable.Range(0, PartitionCount(admin, Transactions)))
        .Select(p => new ProducerRecord<byte[], byte[]>(Transactions, new Partition(p), marker.ToMessage()))
        .RunWith(KafkaProducer.PlainSink(producerSettings), system.Materializer());
    Console.WriteLine($"produced {count:N0} transactions (seed {seed}) in {produce.Elapsed.TotalSeconds:F2} s");

    // 2. The job.
    var consumerSettings = ConsumerSettings<byte[], byte[]>.Create(system, null, null)
        .WithBootstrapServers(servers)
        .WithGroupId("fraud-detection");
    var job = StreamJobBuilder.Create("fraud-detection")
        .FromSource(Transactions, KafkaConnectors.Source(consumerSettings, Subscriptions.Topics(Transactions), Transaction.Decode),
            WatermarkStrategy<Transaction>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(5)).WithTimestampAssigner((t, _) => t.Time))
        .Where(t => t.Card != EndOfInput)
        .KeyBy(t => t.Card)
        .Process("spend-per-card-minute", () => WindowOperators.For<string, Transaction>(TumblingEventTimeWindows.Of(window))
            .Aggregate(Aggregates.Sum<Transaction>(t => t.AmountCents), (card, w, cents) => new CardMinute(card, w.Start, cents)))
        .To(KafkaConnectors.Sink<CardMinute>(producerSettings, m =>
            new ProducerRecord<byte[], byte[]>(m.TotalCents > AlertThresholdCents ? Alerts : CardMinutes, m.ToMessage())))
        .Build();

    var run = Stopwatch.StartNew();
    var running = await JobRunner.StartAsync(system, job);
    using var reader = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
    {
        BootstrapServers = servers,
        GroupId = "fraud-detection-check",
        EnableAutoCommit = false,
    }).Build();
    while (Written(CardMinutes) + Written(Alerts) < expected.Count && !running.Completion.IsCompleted && run.Elapsed < TimeSpan.FromMinutes(5))
    {
        await Task.Delay(100);                  // poll the output topics' end offsets
    }

    await running.StopAsync(TimeSpan.FromSeconds(30));
    var windowsSeconds = run.Elapsed.TotalSeconds;

    // 3. The check.
    var minutes = ReadAll(CardMinutes);
    var alerts = ReadAll(Alerts);
    Console.WriteLine($"job wrote {minutes.Count + alerts.Count:N0} card-minutes (expected {expected.Count:N0}), " +
        $"{alerts.Count:N0} of them alerts above {AlertThresholdCents / 100m:N2} (expected {expectedAlerts:N0}) in {windowsSeconds:F2} s");
    foreach (var alert in alerts.Order(StringComparer.Ordinal).Take(5))
    {
        Console.WriteLine($"  alert: {alert}");
    }

    var same = minutes.Concat(alerts).Order(StringComparer.Ordinal)
        .SequenceEqual(expected.Select(m => m.ToString()).Order(StringComparer.Ordinal), StringComparer.Ordinal);
    exitCode = same && alerts.Count == expectedAlerts ? 0 : 1;
    if (exitCode != 0)
    {
        Console.Error.WriteLine("the job's output differs from the direct computation");
    }

    List<string> ReadAll(string topic)
    {
        var end = Written(topic);
        reader.Assign(Enumerable.Range(0, PartitionCount(admin, topic)).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var values = new List<string>();
        while (values.Count < end && reader.Consume(TimeSpan.FromSeconds(10)) is { } record)
        {
            values.Add(Encoding.UTF8.GetString(record.Message.Value));
        }

        reader.Unassign();
        return values;
    }

    long Written(string topic) => Enumerable.Range(0, PartitionCount(admin, topic))
        .Sum(p => reader.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)).High.Value);
}
finally
{
    await system.Terminate();
    if (temporaryDataDir)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(dataDir, recursive: true);
    }
}

Console.WriteLine($"{(exitCode == 0 ? "ok" : "FAILED")} in {total.Elapsed.TotalSeconds:F2} s");
return exitCode;

static int PartitionCount(IAdminClient admin, string topic) =>
    admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Count;

/// <summary>A card payment: the card, the amount in cents and the event time in milliseconds since the Unix epoch.</summary>
/// <param name="Card">The card's id, the key.</param>
/// <param name="AmountCents">The amount in cents.</param>
/// <param name="Time">The event time, milliseconds since the Unix epoch (the Kafka record's timestamp).</param>
internal sealed record Transaction(string Card, long AmountCents, long Time)
{
    private const long Start = 1_700_000_000_000;   // event time of the first transaction

    /// <summary>
    /// <paramref name="count"/> transactions of 500 cards, one every 10 ms of event time, each up to 2 s out of order;
    /// 2 % are large (500.00 to 4,000.00), the rest 5.00 to 150.00. The same seed gives the same transactions.
    /// </summary>
    public static List<Transaction> Generate(int count, int seed)
    {
        var random = new Random(seed);
        var result = new List<Transaction>(count);
        for (var i = 0; i < count; i++)
        {
            var card = "card-" + random.Next(500).ToString("D3", CultureInfo.InvariantCulture);
            var cents = random.Next(100) < 2 ? random.Next(50_000, 400_000) : random.Next(500, 15_000);
            result.Add(new Transaction(card, cents, Start + (i * 10L) + random.Next(-2_000, 2_000)));
        }

        return result;
    }

    /// <summary>Reads a transaction: the key is the card, the value the amount, the timestamp the event time.</summary>
    public static Transaction Decode(ConsumeResult<byte[], byte[]> record) => new(
        Encoding.UTF8.GetString(record.Message.Key),
        long.Parse(Encoding.UTF8.GetString(record.Message.Value), CultureInfo.InvariantCulture),
        record.Message.Timestamp.UnixTimestampMs);

    /// <summary>The Kafka message <see cref="Decode"/> reads.</summary>
    public Message<byte[], byte[]> ToMessage() => new()
    {
        Key = Encoding.UTF8.GetBytes(Card),
        Value = Encoding.UTF8.GetBytes(AmountCents.ToString(CultureInfo.InvariantCulture)),
        Timestamp = new Timestamp(Time, TimestampType.CreateTime),
    };
}

/// <summary>What one card spent in one minute of event time.</summary>
/// <param name="Card">The card's id.</param>
/// <param name="Start">The window's start, milliseconds since the Unix epoch.</param>
/// <param name="TotalCents">The sum of the amounts, in cents.</param>
internal sealed record CardMinute(string Card, long Start, long TotalCents)
{
    /// <summary>The Kafka message written for this card-minute: key the card, value <see cref="ToString"/>.</summary>
    public Message<byte[], byte[]> ToMessage() => new() { Key = Encoding.UTF8.GetBytes(Card), Value = Encoding.UTF8.GetBytes(ToString()) };

    /// <summary>"card start total", e.g. "card-042 1700000040000 312500".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Card} {Start} {TotalCents}");
}

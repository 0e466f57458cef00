// The starter pipeline of the reference app: until the fraud-detection job lands (issues 5 and 6), this runs the
// smallest real ActorFlow pipeline on the embedded defaults: generate card transactions into Kafka through the
// producer sink, read them back through a committable source, commit, and print counts.
//
//   dotnet run --project samples/FraudDetection [-- --count N] [--bootstrap-servers host:port]
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Dsl;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Producer;
using ActorFlow.Kafka.Settings;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using Confluent.Kafka;

const string Topic = "transactions";
var count = 100_000;
string? servers = Environment.GetEnvironmentVariable("ACTORFLOW_BOOTSTRAP_SERVERS");
for (var i = 0; i < args.Length - 1; i += 2)
{
    switch (args[i])
    {
        case "--count": count = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--bootstrap-servers": servers = args[i + 1]; break;
        default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
    }
}

using var embedded = string.IsNullOrWhiteSpace(servers)
    ? EmbeddedKafka.Start(new EmbeddedKafkaOptions { Topics = new Dictionary<string, int> { [Topic] = 4 } })
    : null;
servers = embedded?.BootstrapServers ?? servers!;
Console.WriteLine($"Kafka: {(embedded is null ? "external" : "embedded")} at {servers}");

using var system = ActorSystem.Create("fraud-detection", "akka.loglevel = WARNING");
var materializer = system.Materializer();

// 1. Generate card transactions: key = card id, value = "amount-in-cents", event time = a steady synthetic clock.
var produce = Stopwatch.StartNew();
var producerSettings = ProducerSettings<string, string>.Create(system, null, null).WithBootstrapServers(servers);
await Source.From(Enumerable.Range(0, count))
    .Select(i => new ProducerRecord<string, string>(Topic, new Message<string, string>
    {
        Key = "card-" + (i % 1000).ToString(CultureInfo.InvariantCulture),
        Value = ((i * 7919) % 100_000).ToString(CultureInfo.InvariantCulture),
        Timestamp = new Timestamp(1_700_000_000_000L + (i * 10L), TimestampType.CreateTime),
    }))
    .RunWith(KafkaProducer.PlainSink(producerSettings), materializer);
Console.WriteLine($"produced {count:N0} transactions in {produce.Elapsed.TotalSeconds:F2} s");

// 2. Read them back through a committable source and commit, counting per partition and large amounts.
var consume = Stopwatch.StartNew();
var perPartition = new ConcurrentDictionary<int, int>();
var large = 0;
var consumerSettings = ConsumerSettings<string, string>.Create(system, null, null)
    .WithBootstrapServers(servers)
    .WithGroupId("fraud-detection-starter");
var (control, done) = KafkaConsumer.CommittableSource(consumerSettings, Subscriptions.Topics(Topic))
    .Select(m =>
    {
        perPartition.AddOrUpdate(m.Record.Partition.Value, 1, (_, n) => n + 1);
        if (int.Parse(m.Record.Message.Value, CultureInfo.InvariantCulture) >= 90_000)
        {
            Interlocked.Increment(ref large);
        }

        return (ICommittable)m.CommittableOffset;
    })
    .ToMaterialized(Committer.Sink(CommitterSettings.Create(system)), Keep.Both)
    .Run(materializer);

var deadline = Stopwatch.StartNew();
while (perPartition.Values.Sum() < count && deadline.Elapsed < TimeSpan.FromSeconds(60))
{
    await Task.Delay(50);
}

await control.DrainAndShutdownAsync(done);
var read = perPartition.Values.Sum();
Console.WriteLine($"consumed {read:N0} transactions in {consume.Elapsed.TotalSeconds:F2} s");
foreach (var (partition, n) in perPartition.OrderBy(p => p.Key))
{
    Console.WriteLine($"  partition {partition}: {n:N0}");
}

Console.WriteLine($"transactions of 900.00 or more: {large:N0}");
await system.Terminate();
if (read != count)
{
    Console.Error.WriteLine($"expected {count:N0} transactions back, got {read:N0}");
    return 1;
}

return 0;

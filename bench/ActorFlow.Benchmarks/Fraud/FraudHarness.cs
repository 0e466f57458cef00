using System.Diagnostics;
using System.Globalization;
using System.Text;
using ActorFlow.Avro.Kafka;
using ActorFlow.Avro.Registry;
using ActorFlow.Benchmarks.Kafka;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Settings;
using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Runtime;
using Confluent.Kafka;
using FraudDetection;
using FraudDetection.App;
using FraudDetection.Records;
using FraudDetection.Rules;

namespace ActorFlow.Benchmarks.Fraud;

/// <summary>
/// <c>-- fraud [--records N] [--rounds R]</c>: the fraud-detection app's job (all three rules, checkpoints every 2 s,
/// exactly-once alerts) over N generated transactions (Avro, one partition per 40,000) on the embedded broker, bounded, timed from
/// start to its end, against a raw Confluent consumer reading the same topic to its end in the same run (both with
/// start-up). Prints transactions/s and the ratio.
/// </summary>
public static class FraudHarness
{
    public static async Task<int> RunAsync(string[] args)
    {
        var records = Option(args, "--records", 400_000);
        var rounds = Option(args, "--rounds", 2);
        using var kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
        {
            Topics = new Dictionary<string, int> { [Topics.Transactions] = FraudApp.EmbeddedPartitions(new AppOptions { Count = records }), [Topics.Rules] = 1, [Topics.Alerts] = 4, [Topics.Late] = 1, [Topics.DeadLetters] = 1 },
        });
        var data = Directory.CreateTempSubdirectory("actorflow-bench-fraud-");
        // One registry for the whole run (the input is written once); each round's job runs on a fresh node and store,
        // since a bounded job restored from its final checkpoint has nothing left to read.
        await using var schemas = await EmbeddedSchemaRegistry.StartAsync(new EmbeddedSchemaRegistryOptions
        {
            Store = () => ActorFlow.Avro.Registry.Store.SqlSchemaStore.Sqlite($"Data Source={Path.Combine(data.FullName, "schemas.db")}"),
        });
        try
        {
            var client = SchemaRegistries.Connect(schemas.Url, TimeSpan.FromSeconds(30));
            var input = await InputWriter.FillAsync(new AppOptions { Count = records }, kafka.BootstrapServers, client, ActorFlow.Avro.AvroSerdeOptions.Default, Console.Error, CancellationToken.None);
            Console.WriteLine($"{input.Describe()}; {Environment.ProcessorCount} cores; load {Runtime.LoadSampler.Uptime()}");
            var consumer = ConsumerSettings<byte[], byte[]>.Create(KafkaDefaults.Config, null, null).WithBootstrapServers(kafka.BootstrapServers);
            var producer = ProducerSettings<byte[], byte[]>.Create(KafkaDefaults.Config, null, null).WithBootstrapServers(kafka.BootstrapServers);
            var ratios = new List<double>();
            for (var round = 1; round <= rounds; round++)
            {
                var raw = Raw(consumer, records);
                var state = Path.Combine(data.FullName, $"round-{round}");
                var system = await ActorFlowCluster.StartNodeAsync("bench-fraud", StateStoreSettings.Sqlite(state),
                    overrides: Akka.Configuration.ConfigurationFactory.ParseString($"actorflow.avro.registry.url = \"{schemas.Url}\""));
                try
                {
                    var job = await JobAsync(system, SchemaRegistryExtension.Get(system), consumer.WithGroupId($"fraud-{round}"), producer);
                    var ratio = job.Rate / raw;
                    ratios.Add(ratio);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"round {round}: raw consumer {raw:N0}/s; fraud job {job.Rate:N0} transactions/s ({job.Summary.Duration.TotalSeconds:F1} s, {job.Summary.Checkpoints} checkpoints, {job.Summary.RecordsEmitted:N0} alerts) = {ratio:P1} of raw; load {Runtime.LoadSampler.Uptime()}"));
                }
                finally
                {
                    await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
                }
            }

            Console.WriteLine($"MEDIAN fraud job / raw consumer: {ratios.Order().ElementAt(ratios.Count / 2):P1} (per round: {string.Join(" / ", ratios.Select(r => r.ToString("P1", CultureInfo.InvariantCulture)))})");
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            data.Delete(recursive: true);
        }
    }

    private static double Raw(ConsumerSettings<byte[], byte[]> settings, int records)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(RawClients.ConsumerConfig(settings)).Build();
        consumer.Assign(Enumerable.Range(0, FraudApp.EmbeddedPartitions(new AppOptions { Count = records })).Select(p => new TopicPartitionOffset(Topics.Transactions, p, Offset.Beginning)));
        var clock = Stopwatch.StartNew();
        var count = 0;
        while (count < records && clock.Elapsed < TimeSpan.FromMinutes(5))
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false })
            {
                count++;
            }
        }

        consumer.Close();
        return count / clock.Elapsed.TotalSeconds;
    }

    private static async Task<(double Rate, JobSummary Summary)> JobAsync(
        Akka.Actor.ActorSystem system, SchemaRegistryExtension registry, ConsumerSettings<byte[], byte[]> consumer, ProducerSettings<byte[], byte[]> producer)
    {
        var alerts = KafkaConnectors.ExactlyOnceSink(producer, Topics.Alerts, registry.Serde<Alert>(), a => Encoding.UTF8.GetBytes(a.accountId));
        var job = FraudJob.Build(
            new FraudJobIo(
                KafkaConnectors.BoundedSource(consumer, Subscriptions.Topics(Topics.Transactions), registry.Serde<Transaction>()),
                KafkaConnectors.BoundedSource(consumer, Subscriptions.Topics(Topics.Rules), registry.Serde<RuleChange>()),
                [alerts],
                KafkaConnectors.Sink(producer, Topics.Late, registry.Serde<Transaction>()),
                KafkaConnectors.DeadLetters(producer, Topics.DeadLetters)),
            RuleDefaults.Default);
        var running = await JobRunner.StartAsync(system, job, new JobRunnerOptions { CheckpointInterval = TimeSpan.FromSeconds(2) });
        var summary = await running.Completion.WaitAsync(TimeSpan.FromMinutes(10));
        return ((summary.RecordsRead - 1) / summary.Duration.TotalSeconds, summary);
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }
}

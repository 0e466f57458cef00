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
using FraudDetection.Input;
using FraudDetection.Records;
using FraudDetection.Rules;

namespace ActorFlow.Benchmarks.Fraud;

/// <summary>
/// <c>-- fraud [--records N] [--rounds R] [--latency-seconds S]</c>: the fraud-detection app's job (all three rules,
/// checkpoints every 2 s, exactly-once alerts) over N generated transactions (Avro, one partition per 40,000) on the
/// embedded broker, bounded, timed from start to its end, against a raw Confluent consumer reading the same topic to its
/// end in the same run (both with start-up). Prints transactions/s and the ratio; then the alert latency (transaction
/// produced → alert readable) at half the job's median rate.
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
            var rates = new List<double>();
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
                    rates.Add(job.Rate);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"round {round}: raw consumer {raw:N0}/s; fraud job {job.Rate:N0} transactions/s ({job.Summary.Duration.TotalSeconds:F1} s, {job.Summary.Checkpoints} checkpoints, {job.Summary.RecordsEmitted:N0} alerts) = {ratio:P1} of raw; load {Runtime.LoadSampler.Uptime()}"));
                }
                finally
                {
                    await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
                }
            }

            Console.WriteLine($"MEDIAN fraud job / raw consumer: {ratios.Order().ElementAt(ratios.Count / 2):P1} (per round: {string.Join(" / ", ratios.Select(r => r.ToString("P1", CultureInfo.InvariantCulture)))})");
            var seconds = Option(args, "--latency-seconds", 60);
            if (seconds > 0)
            {
                var rate = Option(args, "--latency-rate", (int)(rates.Order().ElementAt((rates.Count - 1) / 2) / 2));  // the lower median
                var latency = await LatencyAsync(kafka, schemas.Url, client, rate, TimeSpan.FromSeconds(Option(args, "--latency-warm-up", 15)), TimeSpan.FromSeconds(seconds), Path.Combine(data.FullName, "latency"), consumer, producer);
                Console.WriteLine(latency.Describe());
            }

            return 0;
        }
        finally
        {
            ActorFlow.Persistence.Sql.SqliteConnections.ClearAllPools();
            data.Delete(recursive: true);
        }
    }

    private static double Raw(ConsumerSettings<byte[], byte[]> settings, int records)
    {
        var partitions = Enumerable.Range(0, FraudApp.EmbeddedPartitions(new AppOptions { Count = records })).Select(p => new TopicPartitionOffset(Topics.Transactions, p, Offset.Beginning));
        var (start, _, end) = RawClients.Read(settings, partitions, records, TimeSpan.FromMinutes(5));
        return records / Stopwatch.GetElapsedTime(start, end).TotalSeconds;
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

    /// <summary>
    /// Alert latency at a steady rate: the job runs unbounded on fresh topics while a producer thread sends generated
    /// transactions (the throughput rounds' traffic, another seed), each at the Stopwatch time it is due (start + n / rate; a late producer is counted against the job, as in the runtime's
    /// latency run); a read_committed consumer of the alerts takes, for every alert, now − the due time of the
    /// transaction that completed the match (the one whose time is the alert's). Alerts on transactions due in the
    /// warm-up are not measured; the producer goes on past the measured span until the watermark has passed it.
    /// </summary>
    private static async Task<AlertLatency> LatencyAsync(
        EmbeddedKafka kafka, string registryUrl, Confluent.SchemaRegistry.ISchemaRegistryClient client, int rate, TimeSpan warmUp, TimeSpan measure, string state,
        ConsumerSettings<byte[], byte[]> consumer, ProducerSettings<byte[], byte[]> producer)
    {
        const string transactionsTopic = "latency-transactions", alertsTopic = "latency-alerts";
        const int partitions = 8;
        kafka.CreateTopic(transactionsTopic, partitions);
        kafka.CreateTopic(alertsTopic, 4);
        kafka.CreateTopic("latency-rules", 1);
        kafka.CreateTopic("latency-late", 1);
        kafka.CreateTopic("latency-dead-letters", 1);
        var tail = TimeSpan.FromSeconds(10);       // the watermark passes the measured span
        var count = (int)(rate * (warmUp + measure + tail).TotalSeconds);
        // The same traffic as the throughput rounds (10,000 accounts, 20 transactions per second of event time), sent at
        // `rate`: event time runs rate / 20 times faster than the clock, so the job's 5 s out-of-orderness bound holds
        // an alert back 5 s / (rate / 20) of wall time, not 5 s (a live feed, whose event time is the clock, adds it).
        var (transactions, _) = TransactionGenerator.Generate(count, seed: 7);
        var position = new Dictionary<string, int>(count, StringComparer.Ordinal);
        for (var i = 0; i < transactions.Count; i++)
        {
            position[transactions[i].transactionId] = i;
        }

        var system = await ActorFlowCluster.StartNodeAsync("bench-fraud-latency", StateStoreSettings.Sqlite(state),
            overrides: Akka.Configuration.ConfigurationFactory.ParseString($"actorflow.avro.registry.url = \"{registryUrl}\""));
        try
        {
            var registry = SchemaRegistryExtension.Get(system);
            var job = FraudJob.Build(
                new FraudJobIo(
                    KafkaConnectors.Source(consumer.WithGroupId("fraud-latency"), Subscriptions.Topics(transactionsTopic), registry.Serde<Transaction>()),
                    KafkaConnectors.Source(consumer.WithGroupId("fraud-latency"), Subscriptions.Topics("latency-rules"), registry.Serde<RuleChange>()),
                    [KafkaConnectors.ExactlyOnceSink(producer, alertsTopic, registry.Serde<Alert>(), a => Encoding.UTF8.GetBytes(a.accountId))],
                    KafkaConnectors.Sink(producer, "latency-late", registry.Serde<Transaction>()),
                    KafkaConnectors.DeadLetters(producer, "latency-dead-letters")),
                RuleDefaults.Default);
            var running = await JobRunner.StartAsync(system, job, new JobRunnerOptions { CheckpointInterval = new AppOptions().CheckpointInterval });
            var serde = registry.Serde<Transaction>();
            var alertSerde = registry.Serde<Alert>();
            var ticksPerRecord = (double)Stopwatch.Frequency / rate;
            var begin = Stopwatch.GetTimestamp();
            var measureFrom = begin + (long)(warmUp.TotalSeconds * Stopwatch.Frequency);
            var measureTo = measureFrom + (long)(measure.TotalSeconds * Stopwatch.Frequency);
            var latencies = new List<double>();
            var firstHalf = new List<double>();     // on transactions due in the first half of the measured span: a job that
            var secondHalf = new List<double>();    // falls behind shows a second half slower than the first
            long alerts = 0, lagged = 0;
            using var done = new CancellationTokenSource();
            var reader = Task.Run(() =>
            {
                var config = RawClients.ConsumerConfig(consumer);
                config.IsolationLevel = IsolationLevel.ReadCommitted;
                using var alertConsumer = new ConsumerBuilder<byte[], byte[]>(config).Build();
                alertConsumer.Assign(Enumerable.Range(0, 4).Select(p => new TopicPartitionOffset(alertsTopic, p, Offset.Beginning)));
                while (!done.IsCancellationRequested)
                {
                    if (alertConsumer.Consume(TimeSpan.FromMilliseconds(100)) is not { IsPartitionEOF: false } record)
                    {
                        continue;
                    }

                    var now = Stopwatch.GetTimestamp();
                    alerts++;
                    var alert = alertSerde.Deserialize(record);
                    var trigger = alert.transactions.Last(t => t.Time == alert.Time);
                    var due = begin + (long)(position[trigger.transactionId] * ticksPerRecord);
                    if (due >= measureFrom && due < measureTo)
                    {
                        var millis = (now - due) * 1_000.0 / Stopwatch.Frequency;
                        latencies.Add(millis);
                        (due < (measureFrom + measureTo) / 2 ? firstHalf : secondHalf).Add(millis);
                    }
                }

                alertConsumer.Close();
            });
            var writer = new Thread(() =>
            {
                using var send = new ProducerBuilder<byte[], byte[]>(new ProducerConfig(new Dictionary<string, string>(producer.Properties, StringComparer.Ordinal))).Build();
                for (var i = 0; i < transactions.Count; i++)
                {
                    var due = begin + (long)(i * ticksPerRecord);
                    while (Stopwatch.GetTimestamp() < due)
                    {
                        Thread.Yield();
                    }

                    if (Stopwatch.GetTimestamp() - due > Stopwatch.Frequency / 10)
                    {
                        lagged++;
                    }

                    var t = transactions[i];
                    while (true)
                    {
                        try
                        {
                            send.Produce(transactionsTopic, new Message<byte[], byte[]>
                            {
                                Key = Encoding.UTF8.GetBytes(t.accountId),
                                Value = serde.Serialize(t, transactionsTopic),
                                Timestamp = new Timestamp(t.Time, TimestampType.CreateTime),
                            });
                            break;
                        }
                        catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                        {
                            send.Poll(TimeSpan.FromMilliseconds(10));
                        }
                    }
                }

                send.Flush(TimeSpan.FromSeconds(30));
            })
            { IsBackground = true, Name = "fraud-latency-producer" };
            writer.Start();
            writer.Join();
            var sent = Stopwatch.GetElapsedTime(begin);
            // The last measured transactions are judged once the watermark passes them and written at the next checkpoint.
            await Task.Delay(new AppOptions().CheckpointInterval * 3);
            await done.CancelAsync();
            await reader;
            var written = InputWriter.Offsets(kafka.BootstrapServers, transactionsTopic).High;
            await running.StopAsync(TimeSpan.FromSeconds(60));
            latencies.Sort();
            firstHalf.Sort();
            secondHalf.Sort();
            return new AlertLatency(rate, transactions.Count / sent.TotalSeconds, lagged, alerts, latencies.Count,
                Percentile(latencies, 0.50), Percentile(latencies, 0.90), Percentile(latencies, 0.99), latencies.Count == 0 ? double.NaN : latencies[^1], written,
                Percentile(firstHalf, 0.50), Percentile(secondHalf, 0.50));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }

        static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }
}

/// <summary>Alert latency figures (milliseconds) of a run at <paramref name="Rate"/> transactions/s.</summary>
/// <param name="Rate">Target rate.</param>
/// <param name="Achieved">Rate the producer reached.</param>
/// <param name="Lagged">Transactions sent more than 100 ms after they were due.</param>
/// <param name="Alerts">Alerts read.</param>
/// <param name="Measured">Alerts measured (on transactions due after the warm-up, in the measured span).</param>
/// <param name="P50">Median.</param>
/// <param name="P90">90th percentile.</param>
/// <param name="P99">99th percentile.</param>
/// <param name="Max">Maximum.</param>
/// <param name="Written">Transactions written.</param>
/// <param name="FirstHalfP50">Median over alerts on transactions due in the first half of the measured span.</param>
/// <param name="SecondHalfP50">Median over the second half (higher than the first when the job falls behind).</param>
public sealed record AlertLatency(int Rate, double Achieved, long Lagged, long Alerts, int Measured, double P50, double P90, double P99, double Max, long Written, double FirstHalfP50, double SecondHalfP50)
{
    /// <summary>One line for the console.</summary>
    /// <returns>The text.</returns>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"alert latency at {Rate:N0} transactions/s (sent {Achieved:N0}/s, {Lagged:N0} over 100 ms late, {Written:N0} written): {Measured:N0} of {Alerts:N0} alerts measured, p50 {P50:N0} ms, p90 {P90:N0} ms, p99 {P99:N0} ms, max {Max:N0} ms (p50 {FirstHalfP50:N0} ms in the first half, {SecondHalfP50:N0} ms in the second); load {ActorFlow.Benchmarks.Runtime.LoadSampler.Uptime()}");
}

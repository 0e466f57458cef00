using System.Globalization;
using System.Text;
using ActorFlow.Avro;
using Confluent.Kafka;
using Confluent.SchemaRegistry;
using FraudDetection.Input;
using FraudDetection.Records;
using FraudDetection.Rules;

namespace FraudDetection.App;

/// <summary>What the input holds.</summary>
/// <param name="Source">"generated (seed 42)", "input.csv", or "the topic as found".</param>
/// <param name="Transactions">Transactions written to the topic by this run (0 when it held records already).</param>
/// <param name="BadLines">CSV lines that were not transactions (each reported and dead-lettered).</param>
/// <param name="RuleChanges">Rule changes written.</param>
/// <param name="Injected">What the generator injected, or <c>null</c>.</param>
/// <param name="Backfill">The job reads the lake <paramref name="Source"/> (<c>--from-lake</c>), not the topic.</param>
public sealed record InputReport(string Source, long Transactions, long BadLines, int RuleChanges, InjectedFraud? Injected, bool Backfill = false)
{
    /// <summary>One line for the console.</summary>
    /// <returns>The text.</returns>
    public string Describe() => Backfill
        ? $"input: the transactions landed in {Source} (a backfill in batch mode: nothing written, nothing landed)"
        : Transactions == 0 && Source == FoundInTopic
        ? "input: the transactions topic holds records already (a resumed run): nothing written"
        : string.Create(CultureInfo.InvariantCulture, $"input: {Transactions:N0} transactions from {Source}{(BadLines > 0 ? $", {BadLines:N0} bad lines dead-lettered" : string.Empty)}{(RuleChanges > 0 ? $", {RuleChanges} rule change(s)" : string.Empty)}");

    /// <summary>The source of an input found in the topic.</summary>
    public const string FoundInTopic = "the topic as found";
}

/// <summary>Writes the job's input to Kafka before the job starts: generated transactions or a CSV file, in Avro.</summary>
public static class InputWriter
{
    /// <summary>Fills the transactions (and rules) topics unless the transactions topic holds records already.</summary>
    /// <param name="options">The app's options.</param>
    /// <param name="servers">Bootstrap servers.</param>
    /// <param name="registry">The schema registry.</param>
    /// <param name="serde">Serde options.</param>
    /// <param name="error">Where bad CSV lines are reported.</param>
    /// <param name="cancellation">Cancellation.</param>
    /// <returns>What was written.</returns>
    public static async Task<InputReport> FillAsync(AppOptions options, string servers, ISchemaRegistryClient registry, AvroSerdeOptions serde, TextWriter error, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(error);
        if (Offsets(servers, Topics.Transactions).High > 0)
        {
            return new InputReport(InputReport.FoundInTopic, 0, 0, 0, null);
        }

        var transactions = AvroSerde.For<Transaction>(registry, serde);
        var rules = AvroSerde.For<RuleChange>(registry, serde);
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = servers, EnableIdempotence = true, LingerMs = 5, Partitioner = Partitioner.Murmur2Random }).SetLogHandler(KafkaClients.Log).Build();
        var failures = new List<string>();
        long written = 0, bad = 0;
        InjectedFraud? injected = null;
        var changes = 0;
        string source;
        if (options.Input is { } path)
        {
            source = Path.GetFileName(path);
            foreach (var line in CsvTransactions.Read(path).Take(options.Count ?? int.MaxValue))
            {
                cancellation.ThrowIfCancellationRequested();
                if (line.Transaction is { } t)
                {
                    Produce(Topics.Transactions, Message(t, transactions));
                    written++;
                }
                else
                {
                    bad++;
                    await error.WriteLineAsync($"{source}:{line.Line}: {line.Error}").ConfigureAwait(false);
                    Produce(Topics.DeadLetters, new Message<byte[], byte[]>
                    {
                        Key = null!,
                        Value = Encoding.UTF8.GetBytes(line.Text),
                        Headers = new Headers
                        {
                            { "actorflow.error", Encoding.UTF8.GetBytes($"CSV line {line.Line}: {line.Error}") },
                            { "actorflow.origin", Encoding.UTF8.GetBytes("file:" + path) },
                            { "actorflow.offset", Encoding.UTF8.GetBytes(line.Line.ToString(CultureInfo.InvariantCulture)) },
                        },
                    });
                }
            }
        }
        else
        {
            var count = options.Count ?? AppOptions.DefaultCount;
            source = string.Create(CultureInfo.InvariantCulture, $"the generator (seed {options.Seed})");
            var (generated, what) = TransactionGenerator.Generate(count, options.Seed);
            injected = what;

            // Dynamic rules: from the middle of the traffic on, the velocity rule gets stricter (6 instead of 8 in a minute).
            var middle = generated[generated.Count / 2].Time;
            var change = new RuleChange { rule = RuleNames.Velocity, effectiveFrom = EventTime.Utc(middle), maxCount = 6 };
            Produce(Topics.Rules, new Message<byte[], byte[]>
            {
                Key = Encoding.UTF8.GetBytes(change.rule),
                Value = rules.Serialize(change, Topics.Rules),
                Timestamp = new Timestamp(middle, TimestampType.CreateTime),
            });
            changes++;
            foreach (var t in generated)
            {
                Produce(Topics.Transactions, Message(t, transactions));
                written++;
            }
        }

        producer.Flush(cancellation);
        if (failures.Count > 0)
        {
            throw new InvalidOperationException($"writing the input to Kafka failed for {failures.Count} records: {failures[0]}");
        }

        // A broker that dropped the oldest records (the embedded one keeps about 5 MB per partition) must not pass
        // silently: the job would read only the rest.
        var dropped = Offsets(servers, Topics.Transactions).Low;
        return dropped > 0
            ? throw new InvalidOperationException($"the broker dropped {dropped:N0} of the {written:N0} transactions written before the job could read them (the embedded broker keeps about 5 MB per partition): write fewer, or give the topic more partitions")
            : new InputReport(source, written, bad, changes, injected);

        Message<byte[], byte[]> Message(Transaction t, AvroSerde<Transaction> serializer) => new()
        {
            Key = Encoding.UTF8.GetBytes(t.accountId),
            Value = serializer.Serialize(t, Topics.Transactions),
            Timestamp = new Timestamp(t.Time, TimestampType.CreateTime),
        };

        void Produce(string topic, Message<byte[], byte[]> message)
        {
            while (true)
            {
                try
                {
                    producer.Produce(topic, message, report =>
                    {
                        if (report.Error.IsError)
                        {
                            lock (failures)
                            {
                                failures.Add(report.Error.Reason);
                            }
                        }
                    });
                    return;
                }
                catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(100));
                }
            }
        }
    }

    /// <summary>
    /// The sums of a topic's start offsets (records the broker no longer holds) and end offsets (records written);
    /// (0, 0) when it is missing.
    /// </summary>
    /// <param name="servers">Bootstrap servers.</param>
    /// <param name="topic">The topic.</param>
    /// <returns>The sums.</returns>
    public static (long Low, long High) Offsets(string servers, string topic)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = servers }).SetLogHandler(KafkaClients.Log).Build();
        var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.SingleOrDefault();
        if (metadata is null || metadata.Error.IsError)
        {
            return (0, 0);
        }

        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = servers, GroupId = "fraud-detection-probe" }).SetLogHandler(KafkaClients.Log).Build();
        long low = 0, high = 0;
        foreach (var p in metadata.Partitions)
        {
            var offsets = consumer.QueryWatermarkOffsets(new TopicPartition(topic, p.PartitionId), TimeSpan.FromSeconds(10));
            low += offsets.Low.Value;
            high += offsets.High.Value;
        }

        return (low, high);
    }
}

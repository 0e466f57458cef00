using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Settings;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace ActorFlow.Cli;

/// <summary>
/// <c>actorflow bench kafka</c>: the raw produce and consume rates of a Kafka cluster (or the embedded broker) with the
/// client settings ActorFlow's stages use: the ceiling a job reading and writing that cluster is compared with. The
/// repository's own benchmarks (bench/ActorFlow.Benchmarks) measure ActorFlow itself; they are not part of the tool.
/// </summary>
internal static class BenchCommand
{
    private static readonly HashSet<string> ErrorsWritten = new(StringComparer.Ordinal);

    private static readonly TimeSpan Stall = TimeSpan.FromSeconds(30);
    private const long EmbeddedPartitionBytes = 9 * 1024 * 1024 / 2; // 4.5 MiB of the mock cluster's ~5 MiB

    public static Command Create()
    {
        var servers = new Option<string>("--bootstrap-servers") { Description = "The cluster to measure; without it, an embedded broker (librdkafka's mock cluster) started for the run.", HelpName = "HOST:PORT[,…]" };
        var records = new Option<int>("--records") { Description = "Records to produce, then consume.", HelpName = "N", DefaultValueFactory = _ => 1_000_000, CustomParser = CommandLine.IntIn("--records", 1, int.MaxValue, "a positive number") };
        var valueBytes = new Option<int>("--value-bytes") { Description = "Bytes per record value (no key).", HelpName = "N", DefaultValueFactory = _ => 100, CustomParser = CommandLine.IntIn("--value-bytes", 0, 100 * 1024 * 1024, "a size in bytes from 0 to 104857600") };
        var partitions = new Option<int>("--partitions") { Description = "Partitions of the topic the run creates.", HelpName = "N", DefaultValueFactory = _ => 32, CustomParser = CommandLine.IntIn("--partitions", 1, 100_000, "a positive number") };
        var replication = new Option<short>("--replication-factor") { Description = "Replication factor of the topic; -1 takes the broker's default.", HelpName = "N", DefaultValueFactory = _ => -1 };
        var topic = new Option<string>("--topic") { Description = "Name of the topic the run creates (it must not exist); a fresh actorflow-bench-… name by default.", HelpName = "NAME" };
        var keep = new Option<bool>("--keep-topic") { Description = "Keep the topic afterwards (it is deleted by default)." };
        var existing = new Option<bool>("--existing-topic") { Description = "Write to the existing topic --topic names (for clusters where the bench may not create topics); only the records this run writes are read back, and the topic is kept." };
        var clientProps = new Option<string[]>("--client-prop") { Description = "A librdkafka property for both clients (security.protocol=SASL_SSL, …); repeatable.", HelpName = "KEY=VALUE" };
        var producerProps = new Option<string[]>("--producer-prop") { Description = "A librdkafka property for the producer only; repeatable.", HelpName = "KEY=VALUE" };
        var consumerProps = new Option<string[]>("--consumer-prop") { Description = "A librdkafka property for the consumer only; repeatable.", HelpName = "KEY=VALUE" };
        foreach (var props in new[] { clientProps, producerProps, consumerProps })
        {
            props.Validators.Add(r =>
            {
                foreach (var token in r.Tokens.Where(t => !t.Value.Contains('=', StringComparison.Ordinal) || t.Value.StartsWith('=')))
                {
                    r.AddError($"{r.IdentifierToken?.Value} {token.Value}: a property is KEY=VALUE.");
                }
            });
        }

        var json = new Option<bool>("--json") { Description = "Write JSON (for scripts) instead of text." };
        var kafka = new Command("kafka", "Measure raw produce and consume rates (records/s, MB/s) with ActorFlow's client settings: the ceiling of a job on that cluster.")
        {
            servers, records, valueBytes, partitions, replication, topic, keep, existing, clientProps, producerProps, consumerProps, json,
        };
        kafka.Validators.Add(r =>
        {
            if (r.GetValue(existing) && (r.GetResult(topic) is null || r.GetResult(servers) is null))
            {
                r.AddError("--existing-topic needs --topic NAME and --bootstrap-servers.");
            }
        });
        CommandLine.SetAction(kafka, async (parsed, output, stop) =>
        {
            var run = new Run(
                parsed.GetValue(records),
                parsed.GetValue(valueBytes),
                parsed.GetValue(partitions),
                parsed.GetValue(replication),
                parsed.GetValue(topic) ?? "actorflow-bench-" + Guid.NewGuid().ToString("N")[..8],
                Props(parsed.GetValue(clientProps)),
                Props(parsed.GetValue(producerProps)),
                Props(parsed.GetValue(consumerProps)));
            var result = parsed.GetValue(servers) is { } bootstrap
                ? await MeasureAsync(run, bootstrap, create: !parsed.GetValue(existing), keepTopic: parsed.GetValue(keep), stop).ConfigureAwait(false)
                : await MeasureEmbeddedAsync(run, stop).ConfigureAwait(false);
            await WriteAsync(output, result.Run, result, parsed.GetValue(json)).ConfigureAwait(false);
            return CommandLine.Ok;
        });
        return new Command("bench", "Measure a Kafka cluster's raw rates, the ceiling an ActorFlow job is compared with.") { kafka };
    }

    private static Dictionary<string, string> Props(string[]? values) =>
        (values ?? []).Select(v => v.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);

    private static async Task<Result> MeasureEmbeddedAsync(Run run, CancellationToken stop)
    {
        // The mock cluster silently trims a partition at about 5 MiB (a record takes its value and about 30 bytes):
        // more would be lost before it is read back.
        var perPartition = ((long)run.Records + run.Partitions - 1) / run.Partitions * (run.ValueBytes + 32L);
        if (perPartition > EmbeddedPartitionBytes)
        {
            throw new CommandFailedException(string.Create(
                CultureInfo.InvariantCulture,
                $"the embedded broker keeps about 5 MiB per partition and {run.Records:N0} records of {run.ValueBytes} bytes over {run.Partitions} partitions need about {perPartition / (1024.0 * 1024):0.0} MiB each: use more --partitions or fewer --records"));
        }

        using var kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Topics = new Dictionary<string, int> { [run.Topic] = run.Partitions } });
        return await MeasureAsync(run, kafka.BootstrapServers, create: false, keepTopic: true, stop).ConfigureAwait(false) with { Embedded = true };
    }

    private static async Task<Result> MeasureAsync(Run run, string bootstrap, bool create, bool keepTopic, CancellationToken stop)
    {
        var admin = new AdminClientBuilder(new AdminClientConfig(new Dictionary<string, string>(run.ClientProps, StringComparer.Ordinal)) { BootstrapServers = bootstrap }).SetLogHandler(Quiet).Build();
        try
        {
            if (create)
            {
                await CreateTopicAsync(admin, run).ConfigureAwait(false);
            }
            else
            {
                run = run with { Partitions = ExistingPartitions(admin, run.Topic, bootstrap) };
            }

            try
            {
                var start = StartOffsets(run, bootstrap);
                var produce = Produce(run, bootstrap, stop);
                var consume = Consume(run, bootstrap, start, stop);
                return new Result(run, bootstrap, produce, consume, Embedded: false);
            }
            finally
            {
                if (create && !keepTopic)
                {
                    await admin.DeleteTopicsAsync([run.Topic]).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            admin.Dispose();
        }
    }

    private static async Task CreateTopicAsync(IAdminClient admin, Run run)
    {
        // The metadata of all topics: asking for one by name may create it on a broker with topic auto-creation.
        if (admin.GetMetadata(TimeSpan.FromSeconds(30)).Topics.Any(t => t.Topic == run.Topic && !t.Error.IsError))
        {
            throw new CommandFailedException($"topic '{run.Topic}' exists already; the bench writes only to a topic it creates (name a new one with --topic, or leave --topic out)");
        }

        try
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = run.Topic, NumPartitions = run.Partitions, ReplicationFactor = run.ReplicationFactor }]).ConfigureAwait(false);
        }
        catch (CreateTopicsException e)
        {
            throw new CommandFailedException($"cannot create topic '{run.Topic}': {e.Results[0].Error.Reason}");
        }
        catch (KafkaException e)
        {
            throw new CommandFailedException($"cannot create topic '{run.Topic}' ({e.Error.Reason}); create it, then run with --topic NAME --existing-topic");
        }
    }

    // librdkafka's log lines stay out of standard error, which holds the command's one line on failure: a broker that
    // cannot be reached logged a line per connection attempt (about a thousand before the command gave up). Errors
    // (e.g. a TLS or SASL failure's reason) are written, each text once.
    private static void Quiet<TClient>(TClient client, LogMessage message)
    {
        if (message.Level > SyslogLevel.Error)
        {
            return;
        }

        lock (ErrorsWritten)
        {
            if (!ErrorsWritten.Add(System.Text.RegularExpressions.Regex.Replace(message.Message, @"\d+", "#"))) // "after 0ms", "after 1ms": one text
            {
                return;
            }
        }

        Console.Error.WriteLine($"librdkafka: {message.Name} {message.Facility}: {message.Message}");
    }

    private static int ExistingPartitions(IAdminClient admin, string topic, string bootstrap) =>
        admin.GetMetadata(TimeSpan.FromSeconds(30)).Topics.SingleOrDefault(t => t.Topic == topic && !t.Error.IsError) is { } found
            ? found.Partitions.Count
            : throw new CommandFailedException($"no topic '{topic}' at {bootstrap}");

    /// <summary>Where each partition ends before the run writes: the records read back start there.</summary>
    private static List<TopicPartitionOffset> StartOffsets(Run run, string bootstrap)
    {
        using var consumer = new ConsumerBuilder<Null, byte[]>(new ConsumerConfig(new Dictionary<string, string>(run.ClientProps, StringComparer.Ordinal))
        {
            BootstrapServers = bootstrap,
            GroupId = "actorflow-bench-" + Guid.NewGuid().ToString("N"),
        }).SetLogHandler(Quiet).Build();
        return [.. Enumerable.Range(0, run.Partitions).Select(p => new TopicPartitionOffset(run.Topic, p, consumer.QueryWatermarkOffsets(new TopicPartition(run.Topic, p), TimeSpan.FromSeconds(30)).High))];
    }

    private static Phase Produce(Run run, string bootstrap, CancellationToken stop)
    {
        var settings = ProducerSettings<Null, byte[]>.Create(KafkaDefaults.Config, Serializers.Null, Serializers.ByteArray);
        var config = new ProducerConfig(Merge(settings.Properties, run.ClientProps, run.ProducerProps)) { BootstrapServers = bootstrap };
        using var producer = new ProducerBuilder<Null, byte[]>(config).SetLogHandler(Quiet).Build();
        var value = new byte[run.ValueBytes];
        Random.Shared.NextBytes(value);
        var message = new Message<Null, byte[]> { Value = value };
        long failed = 0;
        string? firstError = null;
        Action<DeliveryReport<Null, byte[]>> onReport = report =>
        {
            if (report.Error.IsError && Interlocked.Increment(ref failed) == 1)
            {
                firstError = report.Error.Reason;
            }
        };
        var partitions = Enumerable.Range(0, run.Partitions).Select(p => new TopicPartition(run.Topic, p)).ToArray();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < run.Records; i++)
        {
            while (true)
            {
                try
                {
                    producer.Produce(partitions[i % partitions.Length], message, onReport);
                    break;
                }
                catch (ProduceException<Null, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    stop.ThrowIfCancellationRequested();
                    producer.Poll(TimeSpan.FromMilliseconds(1));
                }
            }

            if (Interlocked.Read(ref failed) > 0)
            {
                break;
            }
        }

        var left = producer.Flush(TimeSpan.FromMinutes(5));
        watch.Stop();
        if (left > 0 || Interlocked.Read(ref failed) > 0)
        {
            throw new CommandFailedException($"producing to '{run.Topic}' at {bootstrap} failed: {Interlocked.Read(ref failed)} records not delivered ({firstError ?? "timed out"}), {left} not flushed");
        }

        return new Phase(run.Records, watch.Elapsed);
    }

    private static Phase Consume(Run run, string bootstrap, List<TopicPartitionOffset> start, CancellationToken stop)
    {
        var settings = ConsumerSettings<Null, byte[]>.Create(KafkaDefaults.Config, Deserializers.Null, Deserializers.ByteArray);
        var config = new ConsumerConfig(Merge(settings.Properties, run.ClientProps, run.ConsumerProps))
        {
            BootstrapServers = bootstrap,
            GroupId = settings.GroupId ?? "actorflow-bench-" + Guid.NewGuid().ToString("N"), // librdkafka wants one even for Assign; nothing is committed
            EnableAutoCommit = false,
        };
        using var consumer = new ConsumerBuilder<Null, byte[]>(config).SetLogHandler(Quiet).Build();
        var watch = Stopwatch.StartNew();
        consumer.Assign(start);
        var count = 0;
        var lastProgress = watch.Elapsed;
        while (count < run.Records)
        {
            stop.ThrowIfCancellationRequested();
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false, Message: not null })
            {
                count++;
                lastProgress = watch.Elapsed;
            }
            else if (watch.Elapsed - lastProgress > Stall)
            {
                throw new CommandFailedException($"consuming '{run.Topic}' at {bootstrap}: read {count} of {run.Records} records, then nothing for {Stall.TotalSeconds:0} s (did the broker drop older records? retention, size limits)");
            }
        }

        watch.Stop();
        consumer.Close();
        return new Phase(count, watch.Elapsed);
    }

    private static Dictionary<string, string> Merge(IReadOnlyDictionary<string, string> defaults, params Dictionary<string, string>[] overrides)
    {
        var merged = new Dictionary<string, string>(defaults, StringComparer.Ordinal);
        foreach (var (key, value) in overrides.SelectMany(o => o))
        {
            merged[key] = value;
        }

        return merged;
    }

    private static async Task WriteAsync(TextWriter output, Run run, Result result, bool json)
    {
        if (json)
        {
            var node = new JsonObject
            {
                ["bootstrapServers"] = result.Embedded ? null : result.Bootstrap,
                ["embedded"] = result.Embedded,
                ["topic"] = run.Topic,
                ["records"] = run.Records,
                ["valueBytes"] = run.ValueBytes,
                ["partitions"] = run.Partitions,
                ["produce"] = Json(result.Produce, run.ValueBytes),
                ["consume"] = Json(result.Consume, run.ValueBytes),
            };
            await output.WriteLineAsync(node.ToJsonString(new JsonSerializerOptions { WriteIndented = true })).ConfigureAwait(false);
            return;
        }

        var where = result.Embedded ? "the embedded broker" : result.Bootstrap;
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{run.Records:N0} records of {run.ValueBytes} bytes, {run.Partitions} partitions, topic {run.Topic} at {where}")).ConfigureAwait(false);
        await output.WriteLineAsync(Line("produce", result.Produce, run.ValueBytes)).ConfigureAwait(false);
        await output.WriteLineAsync(Line("consume", result.Consume, run.ValueBytes)).ConfigureAwait(false);
    }

    private static string Line(string what, Phase p, int valueBytes) => string.Create(
        CultureInfo.InvariantCulture,
        $"{what}: {p.Records:N0} records in {p.Elapsed.TotalSeconds:0.00} s = {p.RecordsPerSecond:N0} records/s ({p.RecordsPerSecond * valueBytes / 1e6:0.0} MB/s of values)");

    private static JsonObject Json(Phase p, int valueBytes) => new()
    {
        ["records"] = p.Records,
        ["seconds"] = Math.Round(p.Elapsed.TotalSeconds, 3),
        ["recordsPerSecond"] = Math.Round(p.RecordsPerSecond),
        ["megabytesPerSecond"] = Math.Round(p.RecordsPerSecond * valueBytes / 1e6, 2),
    };

    private sealed record Run(
        int Records,
        int ValueBytes,
        int Partitions,
        short ReplicationFactor,
        string Topic,
        Dictionary<string, string> ClientProps,
        Dictionary<string, string> ProducerProps,
        Dictionary<string, string> ConsumerProps);

    private sealed record Phase(int Records, TimeSpan Elapsed)
    {
        public double RecordsPerSecond => Records / Math.Max(Elapsed.TotalSeconds, 1e-9);
    }

    private sealed record Result(Run Run, string Bootstrap, Phase Produce, Phase Consume, bool Embedded);
}

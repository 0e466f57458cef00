using System.Diagnostics;
using System.Globalization;
using System.Text;
using ActorFlow.Avro;
using ActorFlow.Avro.Kafka;
using ActorFlow.Avro.Registry;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Settings;
using ActorFlow.Parquet;
using ActorFlow.Persistence.Checkpoints;
using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Runtime;
using Akka.Actor;
using Akka.Configuration;
using Confluent.Kafka;
using Confluent.SchemaRegistry;
using FraudDetection.Input;
using FraudDetection.Output;
using FraudDetection.Records;
using FraudDetection.Rules;
using Spectre.Console;

namespace FraudDetection.App;

/// <summary>The topics of the app.</summary>
public static class Topics
{
    /// <summary>Transactions in (Avro, key accountId).</summary>
    public const string Transactions = "transactions";

    /// <summary>Rule changes in (Avro), broadcast to every account.</summary>
    public const string Rules = "rules";

    /// <summary>Alerts out (Avro, key accountId), exactly once.</summary>
    public const string Alerts = "alerts";

    /// <summary>Late transactions out (Avro).</summary>
    public const string Late = "late-transactions";

    /// <summary>Dead letters out (raw bytes with reason headers): undecodable records, bad rule changes, bad CSV lines.</summary>
    public const string DeadLetters = "dead-letters";

    /// <summary>Alerts of a backfill (<c>--from-lake</c>) out (Avro, key accountId), exactly once: never mixed into <see cref="Alerts"/>.</summary>
    public const string BackfillAlerts = "alerts-backfill";
}

/// <summary>
/// Runs the fraud-detection job on the embedded defaults or given infrastructure: fills the input (generated
/// transactions, or a CSV file) unless the topic holds records already, runs the job over it to its end with live
/// progress, and prints a summary. Ctrl+C stops the job; run again with the same <c>--data-dir</c> to resume it from
/// its last checkpoint.
/// </summary>
public static class FraudApp
{
    /// <summary>Exit code of a run stopped by Ctrl+C.</summary>
    public const int Interrupted = 130;

    /// <summary>The exit code when SIGTERM stopped it (128 + 15, as a shell reports it).</summary>
    public const int Terminated = 143;

    /// <summary>Runs the app.</summary>
    /// <param name="options">The options.</param>
    /// <param name="output">Where progress and the summary go.</param>
    /// <param name="error">Where problems go (one line each).</param>
    /// <param name="cancellation">Cancelled by Ctrl+C.</param>
    /// <returns>The exit code: 0 done, 1 failed, 130 stopped (the caller reports SIGTERM as 143).</returns>
    public static async Task<int> RunAsync(AppOptions options, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var temporary = options.DataDir is null;
        var dataDir = options.DataDir ?? Path.Combine(Path.GetTempPath(), $"actorflow-fraud-detection-{Guid.NewGuid():N}");
        EmbeddedKafka? kafka = null;
        ActorSystem? system = null;
        try
        {
            CreateDataDir(dataDir, temporary);
            kafka = options.BootstrapServers is null
                ? EmbeddedKafka.Start(new EmbeddedKafkaOptions
                {
                    Topics = new Dictionary<string, int>
                    {
                        [Topics.Transactions] = EmbeddedPartitions(options),
                        [Topics.Rules] = 1,
                        [Topics.Alerts] = 4,
                        [Topics.BackfillAlerts] = 4,
                        [Topics.Late] = 1,
                        [Topics.DeadLetters] = 1,
                    },
                })
                : null;
            var servers = kafka?.BootstrapServers ?? options.BootstrapServers!;
            if (kafka is null)
            {
                KafkaClients.EnsureReachable(servers, TimeSpan.FromSeconds(10));
            }

            // The job host: a one-node cluster; its schema registry (the configured one, or an embedded one whose schemas
            // live in the state store) starts with it.
            var settings = options.Store == StoreKind.Postgres ? StateStoreSettings.PostgreSql(options.Postgres!) : StateStoreSettings.Sqlite(dataDir);
            system = await ActorFlowCluster.StartNodeAsync(
                "fraud-detection",
                settings,
                // The app stops the job itself on Ctrl+C and SIGTERM (no new checkpoint: a next run resumes from the last
                // complete one): Akka's own hook would shut the node down under the stopping job.
                overrides: ConfigurationFactory.ParseString($"actorflow.avro.registry.url = \"{options.SchemaRegistry ?? string.Empty}\"\nakka.coordinated-shutdown.run-by-clr-shutdown-hook = off")).ConfigureAwait(false);
            var registry = SchemaRegistryExtension.Get(system);
            var serde = registry.Settings.ToSerdeOptions();
            await output.WriteLineAsync($"Kafka: {(kafka is null ? "external" : "embedded")} at {servers}; schema registry: {registry.Url}; state: {(options.Store == StoreKind.Postgres ? "PostgreSQL" : dataDir)}").ConfigureAwait(false);

            var input = options.FromLake is { } from
                ? new InputReport(from, 0, 0, 0, null, Backfill: true)
                : await InputWriter.FillAsync(options, servers, registry.Client, serde, error, cancellation).ConfigureAwait(false);
            await output.WriteLineAsync(input.Describe()).ConfigureAwait(false);
            if (options.FromLake is not null && kafka is not null)
            {
                await output.WriteLineAsync("rules: the embedded broker keeps nothing between runs, so the landing run's rule changes are gone and the rules run with their defaults; with --bootstrap-servers the backfill reads the rules topic").ConfigureAwait(false);
            }


            var consumer = ConsumerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(servers).WithGroupId(FraudJob.Name);
            var producer = ProducerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(servers);

            // The checkpoint the job will restore: its alerts were found by an earlier run, which has normally published
            // them already; this run sends them again (skipped where the topic holds them; an embedded broker is new each
            // run) and counts them apart from its own. A checkpoint that cannot be read is the job's start to report.
            long restored = 0;
            try
            {
                await using var checkpoints = CheckpointStore.Create(settings);
                restored = (await checkpoints.LoadLatestAsync(options.FromLake is null ? FraudJob.Name : FraudJob.BackfillName).ConfigureAwait(false))?.CheckpointId ?? 0;
            }
            catch (Exception e) when (e is CorruptCheckpointException or InvalidDataException)
            {
                // JobRunner.StartAsync fails on it with the earlier checkpoints to choose from.
            }

            var alerts = new Counts(RuleNames.All);
            var earlierAlerts = new Counts(RuleNames.All);
            var late = new Counts(["late"]);
            var alertSinks = new List<ISinkConnector<Alert>>
            {
                new CountingCheckpointedSink<Alert>(
                    (ICheckpointedSink<Alert>)KafkaConnectors.ExactlyOnceSink(producer, options.FromLake is null ? Topics.Alerts : Topics.BackfillAlerts, AvroSerde.For<Alert>(registry.Client, serde), a => Encoding.UTF8.GetBytes(a.accountId)),
                    a => alerts.IndexOf(a.rule),
                    alerts,
                    earlierAlerts,
                    restored),
            };
            if (options.Output is { } file)
            {
                alertSinks.Add(new JsonLinesAlertSink(file, dataDir));
            }

            // The data lake: every transaction as Parquet, exactly once (files committed with the checkpoints).
            // A backfill (--from-lake) reads the lake instead and lands nothing.
            var lake = options.FromLake is not null ? null : options.Lake ?? (temporary ? Path.Combine(Path.GetTempPath(), $"actorflow-fraud-lake-{Guid.NewGuid():N}") : Path.Combine(dataDir, "lake"));
            var landing = lake is null ? null : ParquetSink.For(lake, new ParquetSinkOptions<Transaction> { PartitionBy = ParquetPartitioning.ByEventTime<Transaction>(t => t.Time) });
            var job = FraudJob.Build(
                new FraudJobIo(
                    // Bounded: each partition up to its end offset at the job's first start; the job ends when both are read.
                    // From the lake: every landed transaction, read back as the Avro record it was (one partition per row group).
                    options.FromLake is { } landed
                        ? ParquetSource.ForSpecificAvro<Transaction>(landed, new ParquetSourceOptions<Transaction> { Timestamp = t => t.Time })
                        : KafkaConnectors.BoundedSource(consumer, Subscriptions.Topics(Topics.Transactions), registry.Serde<Transaction>()),
                    KafkaConnectors.BoundedSource(consumer, Subscriptions.Topics(Topics.Rules), registry.Serde<RuleChange>()),
                    alertSinks,
                    new CountingSink<Transaction>(KafkaConnectors.Sink(producer, Topics.Late, AvroSerde.For<Transaction>(registry.Client, serde)), late),
                    KafkaConnectors.DeadLetters(producer, Topics.DeadLetters),
                    landing),
                RuleDefaults.Default with { SmallThenLarge = RuleDefaults.Default.SmallThenLarge with { WindowMs = (long)options.RuleWindow.TotalMilliseconds } },
                options.FromLake is null ? FraudJob.Name : FraudJob.BackfillName);

            using var meter = new JobMeter(job.Name);
            var clock = Stopwatch.StartNew();
            // A backfill runs in batch mode (as Flink's BATCH): nothing is late, every rule sees all rule changes first.
            var running = await JobRunner.StartAsync(system, job, new JobRunnerOptions
            {
                CheckpointInterval = options.CheckpointInterval,
                ExecutionMode = options.FromLake is null ? ExecutionMode.Streaming : ExecutionMode.Batch,
            }).ConfigureAwait(false);
            // A backfill reads no topic: it has no consumer lag.
            using var lagProbe = options.FromLake is null ? new LagProbe(servers, Topics.Transactions, FraudJob.Name) : null;
            var progress = new ProgressLoop(running, meter, lagProbe, alerts, late, clock, input.BadLines);
            var stopped = await progress.RunAsync(output, options.Plain, cancellation).ConfigureAwait(false);
            if (stopped)
            {
                await running.StopAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
                var resume = options.Store == StoreKind.Postgres
                    ? $"the state is in PostgreSQL: run again with the same --postgres{(temporary ? string.Empty : $" and --data-dir {dataDir}")} to resume from checkpoint #{running.LastCompletedCheckpoint}"
                    : temporary ? "the data directory was temporary: use --data-dir to be able to resume" : $"run again with --data-dir {dataDir} to resume from checkpoint #{running.LastCompletedCheckpoint}";
                await error.WriteLineAsync($"fraud-detection: stopped by Ctrl+C or SIGTERM; {resume}").ConfigureAwait(false);
                return Interrupted;
            }

            var summary = await running.Completion.ConfigureAwait(false);
            Summary.Write(output, progress.Snapshot(), summary, input, options with { Lake = lake }, running, earlierAlerts.Total);
            return 0;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            await error.WriteLineAsync("fraud-detection: stopped by Ctrl+C or SIGTERM before the job started").ConfigureAwait(false);
            return Interrupted;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            await error.WriteLineAsync($"fraud-detection: {OneLine(e)}").ConfigureAwait(false);
            return 1;
        }
        finally
        {
            if (system is not null)
            {
                await system.Terminate().ConfigureAwait(false);
            }

            kafka?.Dispose();
            if (temporary)
            {
                ActorFlow.Persistence.Sql.SqliteConnections.ClearAllPools();
                try
                {
                    Directory.Delete(dataDir, recursive: true);
                }
                catch (IOException)
                {
                    // left behind in the temporary directory
                }
            }
        }
    }

    /// <summary>
    /// Partitions of the transactions topic on the embedded broker, which keeps only about 5 MB per partition: one per
    /// 40,000 transactions (~100 B each in Avro), at least 4. A CSV input is estimated at one transaction per 20 bytes.
    /// </summary>
    /// <param name="options">The options.</param>
    /// <returns>The partition count.</returns>
    public static int EmbeddedPartitions(AppOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        long estimate = options.Input is { } file ? Math.Min(options.Count ?? long.MaxValue, new FileInfo(file).Length / 20) : options.Count ?? AppOptions.DefaultCount;
        return (int)Math.Clamp((estimate + 39_999) / 40_000, 4, 1_000);
    }

    // A --data-dir that names a file or a place no directory can be made is the run's failure, reported in one line.
    private static void CreateDataDir(string dataDir, bool temporary)
    {
        try
        {
            Directory.CreateDirectory(dataDir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            var what = temporary ? "the temporary data directory" : "--data-dir";
            var file = FileOnTheWay(Path.GetFullPath(dataDir));
            var reason = file is null ? e.Message.ReplaceLineEndings(" ") : file == Path.GetFullPath(dataDir) ? "it is a file" : $"{file} is a file";
            throw new IOException($"{what} {dataDir}: cannot create the directory: {reason}", e);
        }
    }

    // The path, or the nearest of its parents, that is a file (null if none).
    private static string? FileOnTheWay(string path)
    {
        for (var p = path; !string.IsNullOrEmpty(p); p = Path.GetDirectoryName(p))
        {
            if (File.Exists(p))
            {
                return p;
            }
        }

        return null;
    }

    private static string OneLine(Exception e)
    {
        var inner = e is AggregateException { InnerExceptions.Count: 1 } aggregate ? aggregate.InnerExceptions[0] : e;
        return inner.Message.ReplaceLineEndings(" ");
    }
}

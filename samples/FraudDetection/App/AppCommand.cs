using System.CommandLine;
using System.CommandLine.Parsing;
using System.Runtime.InteropServices;
using FraudDetection.Rules;

namespace FraudDetection.App;

/// <summary>The command line of <c>dotnet run --project samples/FraudDetection</c> (System.CommandLine).</summary>
public static class AppCommand
{
    /// <summary>Builds the root command; its action runs <paramref name="run"/> with the parsed options.</summary>
    /// <param name="run">What to run.</param>
    /// <returns>The command.</returns>
    public static RootCommand Create(Func<AppOptions, CancellationToken, Task<int>> run)
    {
        var input = new Option<FileInfo>("--input") { Description = "CSV of transactions (header accountId,timestamp,amount[,…]; timestamp epoch ms or ISO-8601) to process instead of generated ones; the run ends when they are done" };
        input.AcceptExistingOnly();
        input.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && Directory.Exists(r.Tokens[0].Value))
            {
                r.AddError($"--input: '{r.Tokens[0].Value}' is a directory, not a CSV file");
            }
        });
        var output = new Option<FileInfo?>("--output") { Description = "write alerts to FILE as JSON lines" };
        var count = new Option<int?>("--count") { Description = $"transactions to generate (default {AppOptions.DefaultCount:N0}); with --input, the first N lines" };
        count.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && int.TryParse(r.Tokens[0].Value, System.Globalization.CultureInfo.InvariantCulture, out var n) && n < 1)
            {
                r.AddError("--count must be at least 1"); // a value that is no int is reported by the parser itself
            }
        });
        var seed = new Option<int>("--seed") { Description = "the generator's seed (the same seed, the same transactions)", DefaultValueFactory = _ => 42 };
        var ruleWindow = new Option<TimeSpan>("--rule-window")
        {
            Description = "small-then-large: how long after the small transaction the large one may come (event time): 90s, 1m, 60000ms, 00:01:30, or 0 for no limit",
            DefaultValueFactory = _ => TimeSpan.FromMinutes(1),
            CustomParser = r => ParseDuration(r, "; or 0 for no limit"),
        };
        var servers = new Option<string?>("--bootstrap-servers") { Description = "a Kafka cluster (host:port,…) instead of the embedded broker" };
        var registry = new Option<string?>("--schema-registry") { Description = "a schema registry URL instead of the embedded registry" };
        var store = new Option<StoreKind>("--store") { Description = "where state lives: sqlite (files in --data-dir) or postgres (--postgres; a next run resumes from the database, so it needs --data-dir or --lake to keep the landed files)", DefaultValueFactory = _ => StoreKind.Sqlite };
        var postgres = new Option<string?>("--postgres") { Description = "PostgreSQL connection string (with --store postgres)" };
        var dataDir = new Option<DirectoryInfo?>("--data-dir") { Description = "keep state here; run again with it to resume from the last checkpoint (default: a temporary directory)" };
        var checkpoint = new Option<TimeSpan>("--checkpoint-interval")
        {
            Description = "checkpoint interval (500ms, 2s, 00:00:02, …); alerts are written when their checkpoint completes",
            DefaultValueFactory = _ => TimeSpan.FromSeconds(2),
            CustomParser = r => ParseDuration(r, string.Empty),
        };
        checkpoint.Validators.Add(r =>
        {
            try
            {
                if (r.GetValueOrDefault<TimeSpan>() < TimeSpan.FromMilliseconds(1))
                {
                    r.AddError("--checkpoint-interval must be at least 1ms");
                }
            }
            catch (InvalidOperationException)
            {
                // a value that is no duration is reported by its parser
            }
        });
        var lake = new Option<DirectoryInfo?>("--lake") { Description = "land the transactions here as Parquet, partitioned dt=YYYY-MM-DD/hour=HH by event time (default: lake in --data-dir)" };
        var fromLake = new Option<DirectoryInfo>("--from-lake") { Description = "run the job over the transactions landed in DIR (by --lake) instead of Kafka input: a backfill in batch mode, same rules, nothing landed" };
        fromLake.AcceptExistingOnly();
        var plain = new Option<bool>("--plain") { Description = "plain progress lines even on a terminal" };

        var root = new RootCommand(
            "ActorFlow's fraud-detection reference job: transactions from Kafka (Avro), three rules per account (small-then-large, velocity, spike) with " +
            "parameters from the rules topic, alerts exactly once to the alerts topic. With no options it generates traffic into an embedded broker.")
        {
            input, output, count, seed, ruleWindow, servers, registry, store, postgres, dataDir, lake, fromLake, checkpoint, plain,
        };
        root.Validators.Add(r =>
        {
            if (r.GetResult(fromLake) is not null)
            {
                foreach (var other in new Option[] { input, count, seed, lake })
                {
                    if (r.GetResult(other) is { Implicit: false })
                    {
                        r.AddError($"--from-lake reads its transactions from the lake: it takes no {other.Name}");
                    }
                }
            }
        });
        root.Validators.Add(r =>
        {
            StoreKind kind;
            try
            {
                kind = r.GetValue(store);
            }
            catch (InvalidOperationException)
            {
                return;                     // a bad --store value is reported by itself
            }

            var connection = r.GetValue(postgres);
            if (kind == StoreKind.Postgres && string.IsNullOrWhiteSpace(connection))
            {
                r.AddError("--store postgres needs --postgres CONNECTION");
            }
            else if (kind != StoreKind.Postgres && connection is not null)
            {
                r.AddError("--postgres is for --store postgres");
            }

            // In PostgreSQL the job's state outlives the run, and a next run resumes from its last checkpoint: the files
            // that checkpoint refers to must outlive the run too, not go with a temporary data directory.
            if (kind == StoreKind.Postgres && r.GetResult(dataDir) is null)
            {
                if (r.GetResult(fromLake) is null && r.GetResult(lake) is null)
                {
                    r.AddError("--store postgres needs --data-dir DIR or --lake DIR: the job's state persists in the database and a next run resumes from its last checkpoint, so the Parquet files it landed must persist too (not in a temporary directory)");
                }

                if (r.GetResult(output) is not null)
                {
                    r.AddError("--store postgres with --output needs --data-dir DIR: the job's state persists in the database and a next run resumes from its last checkpoint, so the record of the alerts written to --output (kept in the data directory) must persist too");
                }
            }
        });
        root.SetAction(async (result, cancellation) =>
        {
            // Ctrl+C and SIGTERM stop the job gracefully (reading stops, the batches in flight reach the sinks), which takes longer
            // than System.CommandLine's own handling waits (2 s) before it returns and lets the process end under the
            // job: so the app handles both signals itself (InvokeAsync turns System.CommandLine's off). A second
            // Ctrl+C ends the process at once (exit 130), without waiting for the job: leaving the event uncancelled
            // did not end the process (the graceful stop ran to its end), so the handler exits itself.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            var signal = 0;
            var resume = result.GetValue(store) == StoreKind.Postgres
                ? "a next run resumes from the database's last complete checkpoint, as after a crash"
                : result.GetResult(dataDir) is null ? "its temporary data directory is left behind" : "a next run with the same --data-dir resumes from the last complete checkpoint, as after a crash";
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                e.Cancel = true;
                if (Interlocked.CompareExchange(ref signal, FraudApp.Interrupted, 0) == 0)
                {
                    stop.Cancel();
                }
                else
                {
                    Console.Error.WriteLine($"fraud-detection: ended at once by a second Ctrl+C, without stopping the job; {resume}");
                    Console.Error.Flush();
                    Environment.Exit(FraudApp.Interrupted);
                }
            };
            Console.CancelKeyPress += onCancel;
            using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                if (Interlocked.CompareExchange(ref signal, FraudApp.Terminated, 0) == 0)
                {
                    context.Cancel = true;
                    stop.Cancel();
                }
            });
            try
            {
                var code = await Run(result, stop.Token).ConfigureAwait(false);
                return code == FraudApp.Interrupted && Volatile.Read(ref signal) == FraudApp.Terminated ? FraudApp.Terminated : code;
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }
        });
        return root;

        Task<int> Run(ParseResult result, CancellationToken cancellation) => run(
            new AppOptions
            {
                Input = result.GetValue(input)?.FullName,
                Output = result.GetValue(output)?.FullName,
                Count = result.GetValue(count),
                Seed = result.GetValue(seed),
                RuleWindow = result.GetValue(ruleWindow),
                BootstrapServers = result.GetValue(servers),
                SchemaRegistry = result.GetValue(registry),
                Store = result.GetValue(store),
                Postgres = result.GetValue(postgres),
                DataDir = result.GetValue(dataDir)?.FullName,
                Lake = result.GetValue(lake)?.FullName,
                FromLake = result.GetValue(fromLake)?.FullName,
                CheckpointInterval = result.GetValue(checkpoint),
                Plain = result.GetValue(plain),
            },
            cancellation);
    }

    /// <summary>
    /// Parses and runs: bad usage (an unknown option, a bad value, a missing argument) prints each error and a hint to
    /// <c>--help</c> and returns 2 without running anything; otherwise the command's action runs (help returns 0).
    /// </summary>
    /// <param name="args">The arguments.</param>
    /// <param name="run">What to run.</param>
    /// <param name="configuration">Output and error writers.</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> InvokeAsync(string[] args, Func<AppOptions, CancellationToken, Task<int>> run, InvocationConfiguration? configuration = null)
    {
        configuration ??= new InvocationConfiguration();
        configuration.ProcessTerminationTimeout = null; // the action handles Ctrl+C and SIGTERM itself (Create)
        var result = Create(run).Parse(args);
        if (result.Errors.Count > 0)
        {
            var error = configuration.Error ?? Console.Error;
            foreach (var e in result.Errors)
            {
                await error.WriteLineAsync($"fraud-detection: {e.Message}").ConfigureAwait(false);
            }

            await error.WriteLineAsync("Run with --help for the options.").ConfigureAwait(false);
            return 2;
        }

        return await result.InvokeAsync(configuration).ConfigureAwait(false);
    }

    // A duration option's value; its error lists the forms the option takes (0 only where it means something).
    private static TimeSpan ParseDuration(ArgumentResult result, string alsoAccepted)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
        try
        {
            return Durations.Parse(text);
        }
        catch (FormatException e)
        {
            result.AddError($"{((OptionResult)result.Parent!).Option.Name}: {e.Message}{alsoAccepted}");
            return default;
        }
    }
}

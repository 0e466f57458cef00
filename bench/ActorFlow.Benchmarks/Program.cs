using System.CommandLine;
using System.CommandLine.Parsing;
using ActorFlow.Benchmarks.Kafka;
using BenchmarkDotNet.Running;

namespace ActorFlow.Benchmarks;

/// <summary>
/// Entry point, on System.CommandLine: <c>kafka</c>, <c>runtime</c>, <c>bounded</c>, <c>parquet</c>, <c>fraud</c> and
/// <c>checkpoints</c> run the harnesses (each
/// group's options are checked here, then handed to the harness as given); <c>micro</c>, or arguments that name no
/// group (<c>--filter '*Operator*' --job short</c>), go to BenchmarkDotNet. Exit code 2 for a command line that does not
/// parse, as the <c>actorflow</c> tool.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var root = new RootCommand("ActorFlow benchmarks (results in docs/benchmarks.md). Run one group, e.g. `runtime --only kafka`; `<group> --help` lists its options.")
        {
            Harness(
                "kafka",
                "Kafka stages vs the raw Confluent clients: produce and consume rates and the stage/raw ratio.",
                KafkaHarness.RunAsync,
                Int("--records", "Records per round (1,000,000)."),
                Int("--value-bytes", "Bytes per value (100)."),
                Int("--partitions", "Partitions (32)."),
                Int("--rounds", "Measured rounds (5)."),
                Int("--warm-up", "Warm-up rounds, not counted (1)."),
                Only("producer", "consumer"),
                Text("--write-docs", "PATH", "Write the results into this docs/benchmarks.md.")),
            Harness(
                "runtime",
                "The job runtime: stateless, tumbling, Kafka → Kafka and graph jobs vs a raw consumer, then produce → sink latency.",
                Runtime.RuntimeHarness.RunAsync,
                Int("--records", "Records per round (1,000,000)."),
                Int("--keys", "Distinct keys (10,000)."),
                Int("--value-bytes", "Bytes per value (100)."),
                Int("--partitions", "Partitions (32)."),
                Int("--rounds", "Measured rounds (3)."),
                Int("--warm-up", "Warm-up rounds, not counted (3)."),
                Only("throughput", "stateless", "tumbling", "kafka", "graphs", "latency", "avro"),
                Int("--batch-size", "JobRunnerOptions.BatchSize (1000)."),
                Int("--parallelism", "JobRunnerOptions.Parallelism (4)."),
                Int("--restart-log", "JobRunnerOptions.KeyGroupRestartLog."),
                Int("--checkpoint-interval-ms", "Checkpoint interval; 0 = checkpoints off (10 s)."),
                Int("--brokers", "Embedded brokers (1)."),
                Props("--consumer-prop", "A consumer property over reference.conf's; repeatable."),
                Props("--producer-prop", "A producer property over reference.conf's; repeatable."),
                Int("--join-records", "Records per side of the window join (half of --records)."),
                Int("--join-keys", "Keys of the window join (100,000)."),
                Int("--allocations", "1: the last round's sampled allocations by type (diagnostic)."),
                Int("--memory", "1: the jobs once more fed from memory, no Kafka (diagnostic)."),
                Int("--latency-rate", "Records/s of the latency run (half the stateless median)."),
                Int("--latency-seconds", "Length of the latency run (8)."),
                Int("--latency-partitions", "Partitions of the latency run (24)."),
                Int("--latency-warm-up", "Warm-up seconds of the latency run (10)."),
                Int("--latency-raw", "0: skip the raw consumer's latency run (1).")),
            Harness(
                "bounded",
                "Bounded runs: a keyed tumbling count over a bounded Kafka source (or Parquet files: --input parquet), batch mode vs streaming mode, output checked.",
                Bounded.BoundedHarness.RunAsync,
                Int("--records", "Records (10,000,000)."),
                Int("--partitions", "Partitions, or Parquet files with --input parquet (48)."),
                Int("--rounds", "Measured rounds (2)."),
                Text("--input", "KIND", "kafka (the embedded broker, default) or parquet (files read by ParquetSource)."),
                Only("streaming", "batch"),
                Int("--keep-every", "With --input parquet: only every Nth row goes on to the keyed stage (1)."),
                Int("--batch-source-parallelism", "Batch mode: row groups read at once (JobRunnerOptions.BatchSourceParallelism)."),
                Int("--batch-lanes", "Batch mode in place: threads applying the key groups (JobRunnerOptions.BatchKeyGroupParallelism)."),
                Int("--batch-size", "Batch mode: most records per key-group batch (JobRunnerOptions.BatchSize; streaming keeps 1000)."),
                Int("--batch-parallelism", "Batch mode: key-group batches in flight (JobRunnerOptions.Parallelism; streaming keeps 4)."),
                Int("--window-seconds", "With --input parquet: the tumbling window in seconds (1: 1,000,000 windows over 10M rows)."),
                Flag("--plain-strings", "With --input parquet: write the key column plain (Parquet.Net's default), not dictionary-encoded as ParquetSink, DuckDB and Spark write it."),
                Flag("--batch-on-entities", "Batch mode: the first hop's key groups on their entities (JobRunnerOptions.BatchKeyGroupsInPlace = false)."),
                Flag("--no-pre-aggregation", "Batch mode: every record applied to its window, none folded ahead of the key groups (JobRunnerOptions.BatchPreAggregation = false)."),
                Flag("--job-only", "With --input parquet: skip the raw read and the source-only ceilings."),
                Flag("--isolated", "With --input parquet: each measured run in a process of its own, after a warm-up run of the same mode there."),
                Int("--warm-up", "With --isolated: runs of the same mode in each child process before the measured one (1)."),
                Text("--input-dir", "PATH", "With --input parquet: read the files already in PATH (written by an --isolated parent) instead of writing them.")),
            Harness(
                "parquet",
                "Parquet: landing rows/s from Kafka vs Parquet.Net directly, and the file source's scan with pushdown vs a full scan.",
                Parquet.ParquetHarness.RunAsync,
                Int("--records", "Rows (1,000,000)."),
                Int("--partitions", "Partitions (16)."),
                Int("--rounds", "Measured rounds (3)."),
                Int("--row-group", "Rows per row group (100,000)."),
                Int("--max-batch", "Records per source chunk of the job's consumer (reference.conf's max-batch)."),
                Int("--input-batch", "Records per producer batch of the input topic (reference.conf's producer settings)."),
                Only("landing", "scan", "job")),
            Harness(
                "fraud",
                "The fraud-detection app's job (three rules, checkpoints, exactly-once alerts) over generated Avro transactions vs a raw consumer in the same run, then its alert latency at half its rate.",
                Fraud.FraudHarness.RunAsync,
                Int("--records", "Transactions (400,000)."),
                Int("--rounds", "Rounds (2)."),
                Int("--latency-seconds", "Measured seconds of the alert latency run; 0 = no latency run (60)."),
                Int("--latency-rate", "Transactions/s of the latency run (half the job's median rate)."),
                Int("--latency-warm-up", "Warm-up seconds of the latency run, not measured (15).")),
            Harness(
                "checkpoints",
                "Checkpoints: throughput with and without them, their duration and size, recovery time on SQLite and PostgreSQL.",
                Checkpoints.CheckpointHarness.RunAsync,
                Int("--records", "Records per round (600,000)."),
                Int("--rounds", "Measured rounds (3)."),
                Int("--warm-up", "Warm-up rounds, not counted (1)."),
                Int("--partitions", "Partitions (4)."),
                Int("--state-mb", "Keyed state of the recovery runs, in MB (100)."),
                Int("--restart-log", "JobRunnerOptions.KeyGroupRestartLog."),
                Only("on", "off"),
                Text("--snapshot-store-class", "TYPE", "Akka snapshot store class to use instead of the default."),
                Flag("--skip-throughput", "Skip the throughput runs."),
                Flag("--skip-recovery", "Skip the recovery runs."),
                Flag("--no-postgres", "Recovery on SQLite only.")),
        };

        var micro = new Command("micro", "BenchmarkDotNet micro-benchmarks (operators, Avro serdes, …): every argument goes to BenchmarkDotNet (--filter, --job, --list flat).")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        micro.SetAction(parsed => RunBenchmarkDotNet([.. parsed.UnmatchedTokens]));
        root.Add(micro);

        // Compatibility: `-- --filter '*Operator*' --job short` (no group) goes to BenchmarkDotNet as before.
        root.TreatUnmatchedTokensAsErrors = false;
        root.SetAction(parsed => RunBenchmarkDotNet([.. parsed.UnmatchedTokens]));

        var result = root.Parse(args);
        if (result.Errors.Count > 0 && result.Action is System.CommandLine.Invocation.ParseErrorAction)
        {
            foreach (var error in result.Errors)
            {
                await Console.Error.WriteLineAsync("bench: " + error.Message);
            }

            await Console.Error.WriteLineAsync("Run with --help for the groups and their options.");
            return 2;
        }

        return await result.InvokeAsync();
    }

    private static int RunBenchmarkDotNet(string[] args)
    {
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }

    /// <summary>A group: its options are checked here; the harness gets them back as plain <c>--name value</c> pairs.</summary>
    private static Command Harness(string name, string description, Func<string[], Task<int>> run, params Option[] options)
    {
        var command = new Command(name, description);
        foreach (var option in options)
        {
            command.Add(option);
        }

        command.SetAction(async parsed =>
        {
            // The harness gets only the declared options back: an undeclared one would be dropped without a word and
            // the run would measure the defaults, so it is an error.
            if (parsed.UnmatchedTokens.Count > 0)
            {
                await Console.Error.WriteLineAsync($"bench {name}: unknown option or argument: {string.Join(' ', parsed.UnmatchedTokens)}. Run `{name} --help` for its options.");
                return 2;
            }

            return await run([.. Canonical(parsed, options)]);
        });
        return command;
    }

    private static IEnumerable<string> Canonical(ParseResult parsed, Option[] options)
    {
        foreach (var option in options)
        {
            if (parsed.GetResult(option) is not { Implicit: false } given)
            {
                continue;
            }

            if (option.Arity.MaximumNumberOfValues == 0)
            {
                yield return option.Name;
                continue;
            }

            foreach (var token in given.Tokens)
            {
                yield return option.Name;
                yield return token.Value;
            }
        }
    }

    private static Option<int> Int(string name, string description) => new(name) { Description = description, HelpName = "N" };

    private static Option<string> Text(string name, string helpName, string description) => new(name) { Description = description, HelpName = helpName };

    private static Option<bool> Flag(string name, string description) => new(name) { Description = description, Arity = ArgumentArity.Zero };

    private static Option<string> Only(params string[] parts)
    {
        var only = new Option<string>("--only") { Description = "Run only this part." };
        only.AcceptOnlyFromAmong(parts);
        return only;
    }

    private static Option<string[]> Props(string name, string description)
    {
        var props = new Option<string[]>(name) { Description = description, HelpName = "KEY=VALUE" };
        props.Validators.Add(r =>
        {
            foreach (var token in r.Tokens.Where(t => t.Value.Split('=', 2) is not [{ Length: > 0 }, _]))
            {
                r.AddError($"{name} {token.Value}: a property is KEY=VALUE.");
            }
        });
        return props;
    }
}

using System.Globalization;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Settings;
using Akka.Actor;
using Akka.Streams;

namespace ActorFlow.Benchmarks.Kafka;

/// <summary>
/// Throughput harness for the Kafka stages (issue 3): for each <see cref="IKafkaComparison"/>, runs the raw Confluent
/// client and the ActorFlow stage alternately on the same data against one embedded broker, prints rates and the
/// stage/raw ratio, and (with <c>--write-docs</c>) writes them to the "Kafka stages (issue 3)" section of
/// docs/benchmarks.md. Options: <c>--records N</c> (default 1,000,000), <c>--value-bytes N</c> (100),
/// <c>--partitions N</c> (32), <c>--rounds N</c> (5), <c>--warm-up N</c> (1, not counted), <c>--only producer|consumer</c>, <c>--write-docs PATH</c>.
/// </summary>
public static class KafkaHarness
{
    /// <summary>Target: every stage at this fraction of the raw client's rate or better.</summary>
    public const double Target = 0.90;

    public static async Task<int> RunAsync(string[] args)
    {
        var records = Option(args, "--records", 1_000_000);
        var valueBytes = Option(args, "--value-bytes", 100);
        var partitions = Option(args, "--partitions", 32);
        var rounds = Option(args, "--rounds", 5);
        var warmUp = Option(args, "--warm-up", 1);
        var only = Text(args, "--only");
        var docs = Text(args, "--write-docs");

        var comparisons = new List<IKafkaComparison>();
        if (only is null or "producer")
        {
            comparisons.Add(new ProducerComparison());
        }

        if (only is null or "consumer")
        {
            comparisons.Add(new ConsumerComparison());
        }

        using var kafka = EmbeddedKafka.Start();
        using var system = ActorSystem.Create("bench", KafkaDefaults.Config);
        var context = new BenchContext(kafka, system, system.Materializer(), records, valueBytes, partitions);
        Console.WriteLine($"{records:N0} records of {valueBytes} B, {partitions} partitions, {rounds} round(s), {Environment.ProcessorCount} cores, {Environment.Version}");

        var loads = new List<string> { LoadAverage() };
        var results = new List<ComparisonResult>();
        foreach (var comparison in comparisons)
        {
            await comparison.SetUpAsync(context);
            for (var round = 0; round < warmUp; round++)
            {
                // Not counted: JIT, first connections, broker partitions growing.
                await comparison.RunRawAsync(context, -1 - round);
                await comparison.RunStageAsync(context, -1 - round);
            }

            var raw = new List<Measurement>();
            var stage = new List<Measurement>();
            for (var round = 0; round < rounds; round++)
            {
                raw.Add(await comparison.RunRawAsync(context, round));
                stage.Add(await comparison.RunStageAsync(context, round));
                loads.Add(LoadAverage());
                Console.WriteLine($"  {comparison.Name} round {round + 1}: raw {raw[^1].Rate:N0}/s, stage {stage[^1].Rate:N0}/s, ratio {stage[^1].Rate / raw[^1].Rate:P1}" +
                    (raw[^1].SteadyRate is { } rs && stage[^1].SteadyRate is { } ss ? $" (after the first record: raw {rs:N0}/s in {raw[^1].FirstRecord!.Value.TotalSeconds:F2}+{(raw[^1].Elapsed - raw[^1].FirstRecord!.Value).TotalSeconds:F2} s, stage {ss:N0}/s in {stage[^1].FirstRecord!.Value.TotalSeconds:F2}+{(stage[^1].Elapsed - stage[^1].FirstRecord!.Value).TotalSeconds:F2} s)" : string.Empty) +
                    $", load {LoadAverage()}");
            }

            var result = new ComparisonResult(comparison.Name, raw, stage);
            results.Add(result);
            Console.WriteLine($"{comparison.Name}: raw median {result.RawMedian:N0}/s, stage median {result.StageMedian:N0}/s, ratio {result.Ratio:P1} (target {Target:P0}) {(result.Ratio >= Target ? "MET" : "MISSED")}; per-round ratios median {result.RoundRatioMedian:P1}, min {result.RoundRatios.Min():P1}, max {result.RoundRatios.Max():P1}");
        }

        await system.Terminate();
        if (docs is not null)
        {
            BenchmarkDoc.WriteKafkaSection(docs, results, records, valueBytes, partitions, rounds, args, loads);
            Console.WriteLine($"Wrote {docs}");
        }

        return 0;
    }

    /// <summary>The 1, 5 and 15 minute load averages (Linux), or "n/a".</summary>
    internal static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
        catch (UnauthorizedAccessException)
        {
            return "n/a";
        }
    }

    private static int Option(string[] args, string name, int fallback) =>
        Text(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    private static string? Text(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}

using System.Text;

namespace ActorFlow.Benchmarks.Kafka;

/// <summary>Writes the "## Kafka stages (issue 3)" section of docs/benchmarks.md, keeping every other section as it is.</summary>
public static class BenchmarkDoc
{
    private const string Heading = "## Kafka stages (issue 3)";

    public static void WriteKafkaSection(string path, IReadOnlyList<ComparisonResult> results, int records, int valueBytes, int partitions, int rounds, string[] args, IReadOnlyList<string> loads)
    {
        var section = new StringBuilder();
        section.AppendLine(Heading).AppendLine();
        section.AppendLine("Measured by the harness in `bench/ActorFlow.Benchmarks/Kafka` (not BenchmarkDotNet): one process, one embedded broker");
        section.AppendLine($"(librdkafka mock cluster), {records:N0} records of {valueBytes} B, {partitions} partitions per topic (the mock trims a partition at ~5 MB),");
        section.AppendLine($"one uncounted warm-up, then {rounds} rounds alternating raw client then stage on the same pre-built data; the table shows medians. Command:");
        section.AppendLine();
        section.AppendLine("```");
        section.AppendLine("dotnet run -c Release --project bench/ActorFlow.Benchmarks -- kafka " + string.Join(' ', args));
        section.AppendLine("```");
        section.AppendLine();
        section.AppendLine($"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}.");
        var oneMinute = loads.Select(l => double.TryParse(l.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : double.NaN).Where(v => !double.IsNaN(v)).ToArray();
        section.AppendLine(oneMinute.Length == 0
            ? "Load average: not available."
            : $"Load average (1 min, read at the start and after each round) {oneMinute.Min():F1}–{oneMinute.Max():F1}; at the start {loads[0]} (1/5/15 min). Other engineers' builds share the 2 cores.");
        section.AppendLine();
        section.AppendLine("| comparison | raw client (rec/s) | stage (rec/s) | stage / raw (medians) | per-round stage / raw: median (min–max) | target |");
        section.AppendLine("|---|---:|---:|---:|---:|---|");
        foreach (var r in results)
        {
            var verdict = r.Ratio >= KafkaHarness.Target ? "met" : $"missed by {(KafkaHarness.Target - r.Ratio) * 100:F1} points";
            section.AppendLine($"| {r.Name} | {r.RawMedian:N0} | {r.StageMedian:N0} | {r.Ratio:P1} | {r.RoundRatioMedian:P1} ({r.RoundRatios.Min():P1}–{r.RoundRatios.Max():P1}) | ≥ {KafkaHarness.Target:P0}: {verdict} |");
        }

        foreach (var r in results.Where(r => r.RawSteadyMedian is not null && r.StageSteadyMedian is not null))
        {
            section.AppendLine();
            section.AppendLine($"{r.Name.Split(':')[0]} after the first record (start-up excluded), medians: raw {r.RawSteadyMedian:N0} rec/s, stage {r.StageSteadyMedian:N0} rec/s; " +
                $"start-up (creating the client to the first record) raw {Median(r.Raw.Select(m => m.FirstRecord!.Value.TotalSeconds))} s, stage {Median(r.Stage.Select(m => m.FirstRecord!.Value.TotalSeconds))} s.");
        }

        section.AppendLine();
        section.AppendLine("Rounds (records/s, raw / stage): " + string.Join("; ", results.Select(r =>
            $"{r.Name.Split(':')[0]}: " + string.Join(", ", r.Raw.Zip(r.Stage, (a, b) => $"{a.Rate:N0} / {b.Rate:N0}")))));
        section.AppendLine();
        section.AppendLine("<!-- kafka-notes -->");

        var text = File.Exists(path) ? File.ReadAllText(path) : "# Benchmarks\n\n";
        var notes = ExistingNotes(text);
        var start = text.IndexOf(Heading, StringComparison.Ordinal);
        var replacement = section + notes;
        if (start < 0)
        {
            text = text.TrimEnd() + "\n\n" + replacement;
        }
        else
        {
            var next = text.IndexOf("\n## ", start + Heading.Length, StringComparison.Ordinal);
            text = text[..start] + replacement + (next < 0 ? string.Empty : text[(next + 1)..]);
        }

        File.WriteAllText(path, text.TrimEnd() + "\n");
    }

    private static string Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        var median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        return median.ToString("F2", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Hand-written analysis below the <c>kafka-notes</c> marker survives a re-run.</summary>
    private static string ExistingNotes(string text)
    {
        var start = text.IndexOf(Heading, StringComparison.Ordinal);
        if (start < 0)
        {
            return "\n";
        }

        var next = text.IndexOf("\n## ", start + Heading.Length, StringComparison.Ordinal);
        var body = next < 0 ? text[start..] : text[start..(next + 1)];
        var marker = body.IndexOf("<!-- kafka-notes -->", StringComparison.Ordinal);
        return marker < 0 ? "\n" : body[(marker + "<!-- kafka-notes -->".Length)..].TrimEnd() + "\n\n";
    }
}

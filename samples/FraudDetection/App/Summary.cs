using System.Globalization;
using ActorFlow.Topology.Runtime;
using FraudDetection.Rules;
using Spectre.Console;

namespace FraudDetection.App;

/// <summary>The table printed when the run ends.</summary>
public static class Summary
{
    /// <summary>Writes the summary.</summary>
    /// <param name="output">The output.</param>
    /// <param name="last">The last progress snapshot (taken after the job completed).</param>
    /// <param name="summary">The job's summary.</param>
    /// <param name="input">What the input held.</param>
    /// <param name="options">The options.</param>
    /// <param name="running">The completed job.</param>
    /// <param name="earlierAlerts">Alerts of the restored checkpoint, found by an earlier run and sent again by this one.</param>
    public static void Write(TextWriter output, ProgressSnapshot last, JobSummary summary, InputReport input, AppOptions options, RunningJob running, long earlierAlerts = 0)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var elapsed = summary.Duration;
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(last);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(running);
        var rows = new List<(string, string)>
        {
            ("input", input.Describe()["input: ".Length..]),
            ("records read", N(summary.RecordsRead)),
            ("job time", string.Create(CultureInfo.InvariantCulture, $"{elapsed.TotalSeconds:F1} s ({(elapsed.TotalSeconds > 0 ? summary.RecordsRead / elapsed.TotalSeconds : 0):N0} records/s)")),
        };
        foreach (var rule in RuleNames.All)
        {
            var injected = input.Injected is { } i ? rule switch
            {
                RuleNames.SmallThenLarge => i.SmallThenLarge,
                RuleNames.Velocity => i.Velocity,
                _ => i.Spike,
            } : (int?)null;
            rows.Add(($"alerts: {rule}", N(last.Alerts.GetValueOrDefault(rule)) + (injected is { } n ? $" ({N(n)} injected)" : string.Empty)));
        }

        if (earlierAlerts > 0)
        {
            rows.Add(("alerts sent again", N(earlierAlerts) + " (the restored checkpoint's, found by the run before)"));
        }

        rows.Add(("late transactions", N(last.Late) + (input.Injected is { } j ? $" ({N(j.Late)} sent late)" : string.Empty)));
        rows.Add(("dead letters", N(summary.DeadLetters + input.BadLines)));
        rows.Add(("checkpoints", string.Create(CultureInfo.InvariantCulture, $"{summary.Checkpoints} (last #{running.LastCompletedCheckpoint}), {summary.FailedCheckpoints} failed, {summary.Restarts} failovers")));
        if (options.Output is { } file)
        {
            rows.Add(("alerts file", file));
        }

        if (options.Lake is { } lake && Directory.Exists(lake) && Directory.EnumerateFiles(lake, "*.parquet", SearchOption.AllDirectories).Any())
        {
            rows.Add(("transactions landed in", lake));
            rows.Add(("query them", $"duckdb -c \"SELECT dt, hour, count(*) FROM read_parquet('{lake}/**/*.parquet', hive_partitioning = true) GROUP BY ALL ORDER BY ALL\""));
        }

        if (output == Console.Out && !Console.IsOutputRedirected && !options.Plain && AnsiConsole.Profile.Capabilities.Interactive)
        {
            var table = new Table().Border(TableBorder.Rounded).Title("[bold]summary[/]").AddColumn("").AddColumn("");
            table.HideHeaders();
            foreach (var (name, value) in rows)
            {
                table.AddRow(Markup.Escape(name), Markup.Escape(value));
            }

            AnsiConsole.Write(table);
            return;
        }

        output.WriteLine("summary:");
        foreach (var (name, value) in rows)
        {
            output.WriteLine($"  {name,-26} {value}");
        }
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}

using System.Globalization;
using FraudDetection.Records;
using FraudDetection.Rules;
using Spectre.Console;

namespace FraudDetection.App;

/// <summary>One look at a running job.</summary>
/// <param name="Elapsed">Time since the job started.</param>
/// <param name="RecordsPerSecond">Records read per second since the previous look.</param>
/// <param name="RecordsRead">Records read in this run.</param>
/// <param name="Watermark">The job's event-time watermark (milliseconds since the epoch), or <c>long.MinValue</c>.</param>
/// <param name="Lag">Records in the input not yet covered by a checkpoint (end offsets − committed offsets), or <c>null</c>.</param>
/// <param name="Alerts">Alerts written, per rule.</param>
/// <param name="Late">Late transactions.</param>
/// <param name="DeadLetters">Dead letters.</param>
/// <param name="Checkpoint">The last complete checkpoint's id (0: none yet).</param>
/// <param name="CheckpointAge">Time since it completed, or <c>null</c>.</param>
public sealed record ProgressSnapshot(
    TimeSpan Elapsed, double RecordsPerSecond, long RecordsRead, long Watermark, long? Lag,
    IReadOnlyDictionary<string, long> Alerts, long Late, long DeadLetters, long Checkpoint, TimeSpan? CheckpointAge)
{
    /// <summary>The watermark as UTC time, or "-".</summary>
    /// <returns>The text.</returns>
    public string WatermarkText() => Watermark is long.MinValue or <= 0 ? "-"
        : Watermark == long.MaxValue ? "end of input"
        : EventTime.Utc(Watermark).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>One plain line.</summary>
    /// <returns>The text.</returns>
    public string ToLine() => string.Create(CultureInfo.InvariantCulture,
        $"[{Elapsed.TotalSeconds,6:F1}s] read {RecordsRead:N0} ({RecordsPerSecond:N0}/s)  watermark {WatermarkText()}  lag {(Lag is { } l ? l.ToString("N0", CultureInfo.InvariantCulture) : "-")}  " +
        $"alerts {string.Join(" ", RuleNames.All.Select(r => $"{r}={Alerts.GetValueOrDefault(r)}"))}  late {Late:N0}  dead {DeadLetters:N0}  checkpoint {(Checkpoint == 0 ? "-" : $"#{Checkpoint} {CheckpointAge?.TotalSeconds:F1}s ago")}");

    /// <summary>The live table.</summary>
    /// <returns>The table.</returns>
    public Table ToTable()
    {
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]fraud detection[/]").AddColumn("").AddColumn(new TableColumn("").RightAligned());
        table.HideHeaders();
        table.AddRow("elapsed", $"{Elapsed.TotalSeconds:F1} s");
        table.AddRow("records/s", RecordsPerSecond.ToString("N0", CultureInfo.InvariantCulture));
        table.AddRow("records read", RecordsRead.ToString("N0", CultureInfo.InvariantCulture));
        table.AddRow("event-time watermark", WatermarkText());
        table.AddRow("consumer lag", Lag?.ToString("N0", CultureInfo.InvariantCulture) ?? "-");
        foreach (var rule in RuleNames.All)
        {
            table.AddRow($"alerts: {rule}", Alerts.GetValueOrDefault(rule).ToString("N0", CultureInfo.InvariantCulture));
        }

        table.AddRow("late transactions", Late.ToString("N0", CultureInfo.InvariantCulture));
        table.AddRow("dead letters", DeadLetters.ToString("N0", CultureInfo.InvariantCulture));
        table.AddRow("last checkpoint", Checkpoint == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"#{Checkpoint}, {CheckpointAge?.TotalSeconds:F1} s ago"));
        return table;
    }
}

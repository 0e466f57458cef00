using System.Text.Json;
using ActorFlow.Tests.Shared;
using FraudDetection.App;

namespace FraudDetection.Tests.EndToEnd;

/// <summary>
/// The app as its users run it, on the embedded defaults: a CSV through <c>--input</c> with alerts computed by hand
/// in <c>--output</c>, a bad line, the same alerts on a second run and from the landed lake (<c>--from-lake</c>), a
/// bounded generated run, and a run stopped by Ctrl+C that resumes from its checkpoint without a duplicate alert.
/// </summary>
public sealed class FraudAppSpec : IDisposable
{
    // Times: 1795611600000 = 2026-11-25T13:00:00Z.
    private const string Csv = """
        accountId,timestamp,amount,merchant
        acct-1,2026-11-25T13:00:00Z,0.50,coffee
        acct-1,2026-11-25T13:00:30Z,600.00,jeweller
        acct-2,1795611600000,0.10,
        acct-2,1795611700000,900.00,
        acct-3,1795611600000,0.99,
        acct-3,1795611610000,not-a-number,
        acct-3,1795611620000,501,
        acct-4,1795611605000,700,
        acct-4,1795611601000,0.20,
        """;

    private readonly TempDirectory _dir = new("fraud-app");

    /// <summary>
    /// Verify the alerts of a small CSV, computed by hand: a small then a large one within the minute (acct-1); not
    /// 100 s apart (acct-2); a bad line in between is no transaction and breaks nothing (acct-3); out of order, judged in
    /// event-time order (acct-4). The bad line is reported with its number, the run exits 0; a second run gives the same
    /// alerts, and so does the job run over the transactions the first run landed (a backfill from the Parquet lake).
    /// </summary>
    [Fact]
    public async Task A_csv_input_must_give_the_alerts_computed_by_hand_and_the_same_on_a_second_run()
    {
        var input = Path.Combine(_dir.Path, "input.csv");
        await File.WriteAllTextAsync(input, Csv);
        var lake = Path.Combine(_dir.Path, "lake");
        var first = await RunAsync("--input", input, "--output", Path.Combine(_dir.Path, "first.jsonl"), "--lake", lake);
        var second = await RunAsync("--input", input, "--output", Path.Combine(_dir.Path, "second.jsonl"), "--lake", Path.Combine(_dir.Path, "lake-2"));

        Assert.Equal(0, first.Code);
        Assert.Contains("input.csv:7: amount 'not-a-number' is not a number", first.Error, StringComparison.Ordinal);
        Assert.Matches(@"dead letters\s+1", first.Output);
        string[] expected =
        [
            "acct-1 small-then-large 1795611630000 line-2,line-3",
            "acct-3 small-then-large 1795611620000 line-6,line-8",
            "acct-4 small-then-large 1795611605000 line-10,line-9",
        ];
        Assert.Equal(expected, Alerts(Path.Combine(_dir.Path, "first.jsonl")));
        Assert.Equal(0, second.Code);
        Assert.Equal(expected, Alerts(Path.Combine(_dir.Path, "second.jsonl")));

        // Every transaction read was landed as Parquet under dt=…/hour=… of its event time, read back by DuckDB.
        Assert.Equal(
            ["2026-11-25 13 line-10", "2026-11-25 13 line-2", "2026-11-25 13 line-3", "2026-11-25 13 line-4", "2026-11-25 13 line-5", "2026-11-25 13 line-6", "2026-11-25 13 line-8", "2026-11-25 13 line-9"],
            Lake($"SELECT CAST(dt AS VARCHAR) || ' ' || CAST(hour AS VARCHAR) || ' ' || transactionId FROM read_parquet('{lake}/**/*.parquet', hive_partitioning = true) ORDER BY 1"));
        Assert.Contains("transactions landed in", first.Output, StringComparison.Ordinal);

        // The same job over the lake (a backfill in batch mode): the same alerts from the landed Avro records.
        var backfill = await RunAsync("--from-lake", lake, "--output", Path.Combine(_dir.Path, "backfill.jsonl"));
        Assert.Equal(0, backfill.Code);
        Assert.Contains($"the transactions landed in {lake}", backfill.Output, StringComparison.Ordinal);
        Assert.Matches(@"records read\s+8\b", backfill.Output);
        Assert.Contains("the rules run with their defaults", backfill.Output, StringComparison.Ordinal); // the embedded broker kept no rule change
        Assert.Equal(expected, Alerts(Path.Combine(_dir.Path, "backfill.jsonl")));
    }

    /// <summary>Verify that <c>--rule-window 0</c> lifts the limit: acct-2's large transaction 100 s after the small one matches too.</summary>
    [Fact]
    public async Task A_rule_window_of_zero_must_lift_the_time_limit()
    {
        var input = Path.Combine(_dir.Path, "input.csv");
        await File.WriteAllTextAsync(input, Csv);
        var run = await RunAsync("--input", input, "--output", Path.Combine(_dir.Path, "out.jsonl"), "--rule-window", "0", "--lake", Path.Combine(_dir.Path, "lake"));

        Assert.Equal(0, run.Code);
        Assert.Contains("acct-2 small-then-large 1795611700000 line-4,line-5", Alerts(Path.Combine(_dir.Path, "out.jsonl")));
    }

    /// <summary>
    /// Verify that a generated run stopped by Ctrl+C after a checkpoint resumes from it with the same data directory, and
    /// that the alerts of both runs together are those of an uninterrupted run, none twice.
    /// </summary>
    [Fact]
    public async Task A_stopped_run_must_resume_from_its_checkpoint_without_duplicate_alerts()
    {
        string[] common = ["--count", "150000", "--checkpoint-interval", "300ms"];
        var whole = await RunAsync([.. common, "--output", Path.Combine(_dir.Path, "whole.jsonl"), "--data-dir", Path.Combine(_dir.Path, "whole")]);
        Assert.Equal(0, whole.Code);
        Assert.Matches(@"records read\s+150,001", whole.Output);
        var expected = Alerts(Path.Combine(_dir.Path, "whole.jsonl"));
        Assert.NotEmpty(expected);

        var state = Path.Combine(_dir.Path, "state");
        using var stop = new CancellationTokenSource();
        var stopped = await RunAsync([.. common, "--output", Path.Combine(_dir.Path, "a.jsonl"), "--data-dir", state], stop, line => line.Contains("checkpoint #", StringComparison.Ordinal));
        var resumed = await RunAsync([.. common, "--output", Path.Combine(_dir.Path, "b.jsonl"), "--data-dir", state]);

        Assert.Equal(FraudApp.Interrupted, stopped.Code);
        Assert.Contains("stopped by Ctrl+C or SIGTERM; run again with --data-dir", stopped.Error, StringComparison.Ordinal);
        Assert.Equal(0, resumed.Code);
        var union = Alerts(Path.Combine(_dir.Path, "a.jsonl")).Concat(Alerts(Path.Combine(_dir.Path, "b.jsonl"))).ToList();
        Assert.Equal(union.Count, union.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(expected.Order(StringComparer.Ordinal), union.Order(StringComparer.Ordinal));

        // The resumed run's summary counts the alerts it found (those its file holds); the stopped run's last
        // checkpoint's, which it publishes first, on a line of their own.
        var found = System.Text.RegularExpressions.Regex.Matches(resumed.Output, @"alerts: \S+\s+([\d,]+)")
            .Sum(m => long.Parse(m.Groups[1].Value, System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(Alerts(Path.Combine(_dir.Path, "b.jsonl")).Count, found);
    }

    public void Dispose()
    {
        ActorFlow.Persistence.Sql.SqliteConnections.ClearAllPools();
        _dir.Dispose();
    }

    /// <summary>Each alert line as "account rule time ids", in file order.</summary>
    private static List<string> Alerts(string file) => File.ReadAllLines(file).Select(line =>
    {
        using var json = JsonDocument.Parse(line);
        var a = json.RootElement;
        var ids = string.Join(',', a.GetProperty("transactions").EnumerateArray().Select(t => t.GetProperty("transactionId").GetString()));
        return $"{a.GetProperty("accountId").GetString()} {a.GetProperty("rule").GetString()} {a.GetProperty("time").GetInt64()} {ids}";
    }).ToList();

    private static List<string> Lake(string sql)
    {
        using var connection = new DuckDB.NET.Data.DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }

    private static Task<(int Code, string Output, string Error)> RunAsync(params string[] args) => RunAsync(args, null, null);

    private static async Task<(int Code, string Output, string Error)> RunAsync(string[] args, CancellationTokenSource? stop, Func<string, bool>? stopWhen)
    {
        var output = new WatchingWriter(line =>
        {
            if (stopWhen?.Invoke(line) == true)
            {
                stop!.Cancel();
            }
        });
        var error = new StringWriter();
        var code = await AppCommand.InvokeAsync(args, (options, _) => FraudApp.RunAsync(options with { Plain = true }, output, error, stop?.Token ?? CancellationToken.None))
            .WaitAsync(TimeSpan.FromMinutes(3));
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>A writer that keeps what is written and shows each line to a callback.</summary>
    private sealed class WatchingWriter(Action<string> onLine) : StringWriter
    {
        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            onLine(value ?? string.Empty);
        }

        public override Task WriteLineAsync(string? value)
        {
            WriteLine(value);
            return Task.CompletedTask;
        }
    }
}

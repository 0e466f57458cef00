using System.Text.Json;
using ActorFlow.Tests.Shared;
using FraudDetection.Output;
using FraudDetection.Records;

namespace FraudDetection.Tests.Output;

/// <summary>The JSON-lines alert file: Confluent-free JSON, and exactly once across epochs published again or interrupted.</summary>
public sealed class JsonLinesAlertSinkSpec : IDisposable
{
    private readonly TempDirectory _dir = new("fraud-json-sink");

    /// <summary>Verify the JSON of an alert: account, rule, time in epoch milliseconds, the transactions, the detail's text unescaped.</summary>
    [Fact]
    public void An_alert_must_be_one_json_line()
    {
        var alert = new Alert
        {
            accountId = "acct-1",
            rule = "small-then-large",
            time = EventTime.Utc(2_000),
            detail = "amount 600.00 > 10 × average 5.00 <x>",
            transactions = [Transaction.Create("a", "acct-1", 1_000, 0.5), Transaction.Create("b", "acct-1", 2_000, 600)],
        };
        var bytes = AlertJson.ToUtf8(alert);
        Assert.Contains("\"detail\":\"amount 600.00 > 10 × average 5.00 <x>\"", System.Text.Encoding.UTF8.GetString(bytes), StringComparison.Ordinal); // written as it reads
        using var json = JsonDocument.Parse(bytes);
        Assert.Equal("acct-1", json.RootElement.GetProperty("accountId").GetString());
        Assert.Equal("small-then-large", json.RootElement.GetProperty("rule").GetString());
        Assert.Equal(2_000, json.RootElement.GetProperty("time").GetInt64());
        Assert.Equal([1_000L, 2_000L], json.RootElement.GetProperty("transactions").EnumerateArray().Select(t => t.GetProperty("timestamp").GetInt64()));
        Assert.Equal(600, json.RootElement.GetProperty("transactions")[1].GetProperty("amount").GetDouble());
    }

    /// <summary>Verify that an epoch published again is skipped, an interrupted append is cut back, and a resumed run with another file writes only new epochs.</summary>
    [Fact]
    public async Task Epochs_must_be_written_exactly_once()
    {
        var file = Path.Combine(_dir.Path, "alerts.jsonl");
        var sink = new JsonLinesAlertSink(file, _dir.Path);
        await sink.PublishAsync(1, [Line("a"), Line("b")], CancellationToken.None);
        await sink.PublishAsync(1, [Line("a"), Line("b")], CancellationToken.None);     // after a crash: already there
        await File.AppendAllTextAsync(file, "{\"half\":");                              // a crash in the middle of epoch 2
        await new JsonLinesAlertSink(file, _dir.Path).PublishAsync(2, [Line("c")], CancellationToken.None);
        Assert.Equal(["a", "b", "c"], await File.ReadAllLinesAsync(file));

        var other = Path.Combine(_dir.Path, "second-run.jsonl");
        var resumed = new JsonLinesAlertSink(other, _dir.Path);
        await resumed.PublishAsync(2, [Line("c")], CancellationToken.None);             // the restored epoch: in the first file
        await resumed.PublishAsync(3, [Line("d")], CancellationToken.None);
        Assert.Equal(["d"], await File.ReadAllLinesAsync(other));
        Assert.Equal(["a", "b", "c"], await File.ReadAllLinesAsync(file));
    }

    public void Dispose() => _dir.Dispose();

    private static byte[] Line(string text) => System.Text.Encoding.UTF8.GetBytes(text);
}

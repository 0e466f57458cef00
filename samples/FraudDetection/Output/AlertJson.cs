using System.Text.Json;
using FraudDetection.Records;

namespace FraudDetection.Output;

/// <summary>Alerts as JSON: <c>{"accountId":…,"rule":"small-then-large","time":…,"detail":…,"transactions":[…]}</c>, times in epoch milliseconds.</summary>
public static class AlertJson
{
    /// <summary>One alert as a JSON line (UTF-8, no newline).</summary>
    /// <param name="alert">The alert.</param>
    /// <returns>The bytes.</returns>
    public static byte[] ToUtf8(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        using var buffer = new MemoryStream();
        // Readable text: the details' '<' and '>' as they are, not as \u003C and \u003E (the default encoder escapes
        // them for HTML pages; a JSON-lines file is not one, and every JSON reader reads them either way).
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("accountId", alert.accountId);
            json.WriteString("rule", alert.rule);
            json.WriteNumber("time", alert.Time);
            json.WriteString("detail", alert.detail);
            json.WriteStartArray("transactions");
            foreach (var t in alert.transactions)
            {
                json.WriteStartObject();
                json.WriteString("transactionId", t.transactionId);
                json.WriteString("accountId", t.accountId);
                json.WriteNumber("timestamp", t.Time);
                json.WriteNumber("amount", t.amount);
                json.WriteString("merchant", t.merchant);
                json.WriteString("country", t.country);
                json.WriteString("card", t.card);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}

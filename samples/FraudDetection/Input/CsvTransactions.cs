using System.Globalization;
using System.Text;
using FraudDetection.Records;

namespace FraudDetection.Input;

/// <summary>One line of a CSV input: a transaction, or the reason it is not one.</summary>
/// <param name="Line">The line number (the header is line 1).</param>
/// <param name="Text">The line as read.</param>
/// <param name="Transaction">The transaction, or <c>null</c> when the line is bad.</param>
/// <param name="Error">Why the line is bad, or <c>null</c>.</param>
public sealed record CsvLine(int Line, string Text, Transaction? Transaction, string? Error);

/// <summary>
/// Reads transactions from CSV: a header naming at least <c>accountId</c>, <c>timestamp</c> and <c>amount</c> (any
/// order, any case), optionally <c>transactionId</c>, <c>merchant</c>, <c>country</c>, <c>card</c>; further columns
/// are ignored. A timestamp is epoch milliseconds or ISO-8601 (without an offset: UTC). Fields may be quoted
/// (RFC 4180). Blank lines are skipped; a bad line is returned with its reason, and reading goes on.
/// </summary>
public static partial class CsvTransactions
{
    /// <summary>Reads a file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>Its lines after the header, in order.</returns>
    /// <exception cref="FormatException">The header lacks a required column (the message names it).</exception>
    public static IEnumerable<CsvLine> Read(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        foreach (var line in Read(reader))
        {
            yield return line;
        }
    }

    /// <summary>Reads CSV text.</summary>
    /// <param name="reader">The text.</param>
    /// <returns>Its lines after the header, in order.</returns>
    /// <exception cref="FormatException">The header is missing or lacks a required column.</exception>
    public static IEnumerable<CsvLine> Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var header = reader.ReadLine() ?? throw new FormatException("the CSV input is empty: it needs a header line with accountId,timestamp,amount");
        var columns = Split(header).Select(c => c.Trim()).ToList();
        var account = Column("accountId", required: true);
        var timestamp = Column("timestamp", required: true);
        var amount = Column("amount", required: true);
        var id = Column("transactionId", required: false);
        var merchant = Column("merchant", required: false);
        var country = Column("country", required: false);
        var card = Column("card", required: false);
        var number = 1;
        while (reader.ReadLine() is { } text)
        {
            number++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            yield return Parse(number, text);
        }

        CsvLine Parse(int line, string text)
        {
            List<string> fields;
            try
            {
                fields = Split(text);
            }
            catch (FormatException e)
            {
                return new CsvLine(line, text, null, e.Message);
            }

            if (fields.Count < columns.Count)
            {
                return new CsvLine(line, text, null, string.Create(CultureInfo.InvariantCulture, $"{fields.Count} fields, the header has {columns.Count}"));
            }

            var accountId = fields[account].Trim();
            if (accountId.Length == 0)
            {
                return new CsvLine(line, text, null, "accountId is empty");
            }

            if (!TryParseTime(fields[timestamp].Trim(), out var time))
            {
                return new CsvLine(line, text, null, $"timestamp '{fields[timestamp]}' is neither epoch milliseconds nor ISO-8601");
            }

            if (!double.TryParse(fields[amount].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            {
                return new CsvLine(line, text, null, $"amount '{fields[amount]}' is not a number");
            }

            return new CsvLine(line, text, Transaction.Create(
                id >= 0 && fields[id].Trim() is { Length: > 0 } given ? given : string.Create(CultureInfo.InvariantCulture, $"line-{line}"),
                accountId,
                time,
                value,
                merchant >= 0 ? fields[merchant].Trim() : string.Empty,
                country >= 0 ? fields[country].Trim() : string.Empty,
                card >= 0 ? fields[card].Trim() : string.Empty), null);
        }

        int Column(string name, bool required)
        {
            var index = columns.FindIndex(c => string.Equals(c, name, StringComparison.OrdinalIgnoreCase));
            if (index < 0 && required)
            {
                throw new FormatException($"the CSV header '{header}' has no column '{name}' (it needs accountId,timestamp,amount)");
            }

            return index;
        }
    }

    /// <summary>Epoch milliseconds (digits, optionally negative) or an ISO-8601 time (UTC when it has no offset).</summary>
    /// <param name="text">The text.</param>
    /// <param name="millis">Milliseconds since the Unix epoch.</param>
    /// <returns>Whether it parsed.</returns>
    public static bool TryParseTime(string text, out long millis)
    {
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out millis))
        {
            return true;
        }

        // ISO-8601's extended form only (a date, then optionally a time with seconds and fractions, then Z or an
        // offset), not whatever .NET's lenient parser accepts, such as 2026/01/01T00:05:02.
        if (IsoTime().IsMatch(text))
        {
            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
            {
                millis = parsed.ToUnixTimeMilliseconds();
                return true;
            }
        }

        millis = 0;
        return false;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}([.,]\d+)?)?([Zz]|[+-]\d{2}(:?\d{2})?)?)?$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex IsoTime();

    private static List<string> Split(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"' && field.Length == 0)
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        if (quoted)
        {
            throw new FormatException("a quoted field is not closed");
        }

        fields.Add(field.ToString());
        return fields;
    }
}

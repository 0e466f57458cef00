using FraudDetection.Input;

namespace FraudDetection.Tests.Input;

/// <summary>Reading transactions from CSV: header variants, both timestamp forms, quoted fields, bad lines with their numbers.</summary>
public sealed class CsvTransactionsSpec
{
    /// <summary>Verify columns in any order and case, epoch milliseconds and ISO-8601 timestamps, optional columns and quotes.</summary>
    [Fact]
    public void Lines_must_become_transactions()
    {
        var csv = """"
            Amount,accountId,TIMESTAMP,merchant,extra
            0.50,acct-1,1795611600000,"Shop, Inc.",x

            600.00,acct-1,2026-11-25T13:00:30Z,"say ""hi""",y
            12.5,acct-2,2026-11-25T13:00:31.250,,z
            1,acct-3,2026-11-25t13:00:32.123456789z,,
            """";
        var lines = CsvTransactions.Read(new StringReader(csv)).ToList();
        Assert.All(lines, l => Assert.Null(l.Error));
        Assert.Equal([2, 4, 5, 6], lines.Select(l => l.Line));
        var t = lines.Select(l => l.Transaction!).ToList();
        Assert.Equal(["line-2 acct-1 1795611600000 0.50", "line-4 acct-1 1795611630000 600.00", "line-5 acct-2 1795611631250 12.50", "line-6 acct-3 1795611632123 1.00"], t.Select(x => x.ToString()));
        Assert.Equal("Shop, Inc.", t[0].merchant);
        Assert.Equal("say \"hi\"", t[1].merchant);
    }

    /// <summary>Verify that a given transactionId column is used.</summary>
    [Fact]
    public void A_transactionId_column_must_name_the_transactions()
    {
        var lines = CsvTransactions.Read(new StringReader("transactionId,accountId,timestamp,amount\ntx-9,a,1000,1.5\n")).ToList();
        Assert.Equal("tx-9", lines.Single().Transaction!.transactionId);
    }

    /// <summary>Verify that each bad line is reported with its number and reason, and reading goes on.</summary>
    [Fact]
    public void Bad_lines_must_be_reported_with_their_line_number()
    {
        var csv = "accountId,timestamp,amount\nacct-1,1000,abc\nacct-1,yesterday,5\n,1000,5\nacct-1,1000\nacct-1,\"1000,5\nacct-1,2026/01/01T00:05:02,5\nacct-1,2000,7.5\n";
        var lines = CsvTransactions.Read(new StringReader(csv)).ToList();
        Assert.Equal(
            [
                (2, "amount 'abc' is not a number"),
                (3, "timestamp 'yesterday' is neither epoch milliseconds nor ISO-8601"),
                (4, "accountId is empty"),
                (5, "2 fields, the header has 3"),
                (6, "a quoted field is not closed"),
                (7, "timestamp '2026/01/01T00:05:02' is neither epoch milliseconds nor ISO-8601"),
            ],
            lines.Where(l => l.Error is not null).Select(l => (l.Line, l.Error!)));
        Assert.Equal("line-8 acct-1 2000 7.50", lines.Single(l => l.Transaction is not null).Transaction!.ToString());
    }

    /// <summary>Verify that a header without a required column fails naming it.</summary>
    [Fact]
    public void A_header_without_a_required_column_must_fail_naming_it()
    {
        var e = Assert.Throws<FormatException>(() => CsvTransactions.Read(new StringReader("account,timestamp,amount\n")).ToList());
        Assert.Contains("no column 'accountId'", e.Message, StringComparison.Ordinal);
    }
}

using System.Globalization;
using ActorFlow.Tests.Shared;

namespace ActorFlow.Parquet.Tests.Source;

/// <summary>
/// DECIMAL columns wider than .NET's decimal (precision above 28, DuckDB's, Spark's and Arrow's DECIMAL(38, s)) read into
/// decimal members exactly: a value that fits (trailing zeros of a scale above 28 dropped) with DuckDB's value, one that
/// does not fails the row group naming the column and the value (Parquet.Net 6.1 rounded it to 28 digits silently).
/// </summary>
public sealed class WideDecimalSpec : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly TempDirectory _lake = new("actorflow-parquet-wide-decimal");

    /// <summary>Verify that wide decimals that a .NET decimal holds read with DuckDB's values, nulls included.</summary>
    [Fact]
    public async Task Wide_decimals_that_fit_must_read_with_duckdbs_values()
    {
        var file = $"{_lake.Path}/fit.parquet";
        DuckDb.Query($"""
            COPY (SELECT i::INTEGER AS id,
                         CASE WHEN i % 4 = 0 THEN NULL ELSE ((i - 50) * 1234567.891)::DECIMAL(38, 10) END AS amount,
                         ((i - 50)::DECIMAL(38, 30) * 0.125)::DECIMAL(38, 30) AS small,
                         (i::HUGEINT * 1000000000000000000)::DECIMAL(38, 0) AS big
                  FROM range(0, 100) t(i)) TO '{file}' (FORMAT PARQUET)
            """);
        var expected = DuckDb.Query($"SELECT id, amount::VARCHAR, small::VARCHAR, big::VARCHAR FROM read_parquet('{file}') ORDER BY id")
            .Select(r => string.Join('|', r[0], Normal(r[1]), Normal(r[2]), Normal(r[3]))).ToList();

        var read = (await SourceRun.AllAsync(Sys, ParquetSource.For<Row>(file))).Select(r => r.Value!).OrderBy(r => r.id).ToList();

        Assert.Equal(100, read.Count);
        Assert.Equal(expected, read.Select(r => string.Join('|', r.id, Normal(r.amount), Normal(r.small), Normal(r.big))));
    }

    /// <summary>Verify that a value with more digits than a .NET decimal holds fails the row group naming the column and the value.</summary>
    [Fact]
    public async Task A_wide_decimal_a_dotnet_decimal_cannot_hold_must_fail_naming_the_column()
    {
        var file = $"{_lake.Path}/too-wide.parquet";
        DuckDb.Query($"COPY (SELECT 1 AS id, 123456789012345678901.1234567891::DECIMAL(38, 10) AS amount, 0::DECIMAL(38, 30) AS small, 0::DECIMAL(38, 0) AS big) TO '{file}' (FORMAT PARQUET)");

        var e = await Assert.ThrowsAsync<InvalidDataException>(() => SourceRun.AllAsync(Sys, ParquetSource.For<Row>(file)));

        Assert.Contains("column 'amount' holds a DECIMAL(38, 10) value, 123456789012345678901.1234567891, that a .NET decimal cannot hold exactly", e.Message, StringComparison.Ordinal);
    }

    public new void Dispose()
    {
        _lake.Dispose();
        base.Dispose();
    }

    private static string Normal(object? value) => value switch
    {
        null => "<null>",
        string s => decimal.Parse(s, CultureInfo.InvariantCulture).ToString("0.############################", CultureInfo.InvariantCulture),
        decimal m => m.ToString("0.############################", CultureInfo.InvariantCulture),
        _ => throw new InvalidOperationException($"unexpected {value.GetType()}"),
    };

#pragma warning disable SA1300, IDE1006 // DuckDB's column names
    public sealed class Row
    {
        public int id { get; set; }

        public decimal? amount { get; set; }

        public decimal? small { get; set; }

        public decimal? big { get; set; }
    }
#pragma warning restore SA1300, IDE1006
}

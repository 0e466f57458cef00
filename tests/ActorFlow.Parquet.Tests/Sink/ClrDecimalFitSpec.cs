using ActorFlow.Tests.Shared;
using global::Parquet.Serialization.Attributes;

namespace ActorFlow.Parquet.Tests.Sink;

/// <summary>A C# record's decimal that does not fit its column's DECIMAL(p, s) is refused, not a writer failure.</summary>
public sealed class ClrDecimalFitSpec : IDisposable
{
    private readonly TempDirectory _lake = new("actorflow-parquet-clr-decimal");

    /// <summary>
    /// Verify that decimals whose integer part does not fit (a plain decimal lands as DECIMAL(38,18), so 20 integer
    /// digits; a <c>[ParquetDecimal(10, 2)]</c> one 8), also in a nested class and in a list, are refused with a reason
    /// naming the member (Parquet.Net failed the whole file with "failed to serialise data column": in a job, every
    /// checkpoint retry failed on the same record), and that the largest values that fit land exactly.
    /// </summary>
    [Fact]
    public async Task A_decimal_that_does_not_fit_its_column_must_be_refused_naming_the_member()
    {
        var sink = ParquetSink.For<Invoice>(_lake.Path);
        Assert.Contains("member 'Total': 100000000000000000000 does not fit decimal(38, 18)", sink.Refuse(new Invoice { Total = 1e20m }), StringComparison.Ordinal);
        Assert.Contains("member 'Total'", sink.Refuse(new Invoice { Total = decimal.MinValue }), StringComparison.Ordinal);
        Assert.Contains("member 'Price': 123456789.01 does not fit decimal(10, 2)", sink.Refuse(new Invoice { Price = 123_456_789.01m }), StringComparison.Ordinal);
        Assert.Contains("member 'Tax.Amount'", sink.Refuse(new Invoice { Tax = new Tax { Amount = -1e20m } }), StringComparison.Ordinal);
        Assert.Contains("member 'Lines[]'", sink.Refuse(new Invoice { Lines = [1m, 1e21m] }), StringComparison.Ordinal);

        var fits = new Invoice { Id = 1, Total = 99_999_999_999_999_999_999.5m, Price = -99_999_999.99m, Tax = new Tax { Amount = 0.000000000000000001m }, Lines = [1.25m, -2.5m] };
        Assert.Null(sink.Refuse(fits));
        await SinkFiles.LandAsync(sink, [fits, new Invoice { Id = 2 }]);
        var from = DuckDb.Files(_lake.Path);
        Assert.Equal("DECIMAL(38,18)", DuckDb.Types(from)["Total"]);
        Assert.Equal("DECIMAL(10,2)", DuckDb.Types(from)["Price"]);
        var row = DuckDb.Query($"SELECT Total::VARCHAR, Price::VARCHAR, Tax.Amount::VARCHAR, Lines::VARCHAR FROM {from} WHERE Id = 1").Single();
        Assert.Equal(["99999999999999999999.500000000000000000", "-99999999.99", "0.000000000000000001", "[1.250000000000000000, -2.500000000000000000]"], row);
    }

    public void Dispose() => _lake.Dispose();

    public sealed class Invoice
    {
        public int Id { get; set; }

        public decimal Total { get; set; }

        [ParquetDecimal(10, 2)]
        public decimal? Price { get; set; }

        public Tax? Tax { get; set; }

        public List<decimal>? Lines { get; set; }
    }

    public sealed class Tax
    {
        public decimal Amount { get; set; }
    }
}

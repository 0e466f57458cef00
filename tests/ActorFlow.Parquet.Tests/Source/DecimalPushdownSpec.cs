using ActorFlow.Tests.Shared;
using global::Parquet;

namespace ActorFlow.Parquet.Tests.Source;

/// <summary>A <see cref="ColumnRange"/> on a DECIMAL column compares decimals, whatever physical type holds them.</summary>
public sealed class DecimalPushdownSpec : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly TempDirectory _lake = new("actorflow-parquet-decimal-pushdown");

    /// <summary>
    /// Verify that over a DuckDB file whose DECIMAL(9,2) and DECIMAL(38,10) columns (INT32 and fixed-length statistics)
    /// hold 0.00–20.47 in the first row group and 20.48–40.95 in the second, a range up to 25 reads both row groups
    /// (the second was skipped: its statistics were compared unscaled, a minimum of 2048 against 25, and the rows 20.48
    /// to 25.00 were lost), a range up to 5 only the first, and a range from 30 only the second (the first was read:
    /// its unscaled maximum 2047 passed 30), on either column.
    /// </summary>
    [Fact]
    public async Task A_decimal_range_must_prune_by_the_decimal_values_of_the_statistics()
    {
        DuckDb.Query($"""
            COPY (SELECT i AS id, (i / 100)::DECIMAL(9,2) AS price, (i / 100)::DECIMAL(38,10) AS wide FROM range(0, 4096) t(i) ORDER BY i)
            TO '{_lake.Path}/p.parquet' (FORMAT PARQUET, ROW_GROUP_SIZE 2048)
            """);
        await using (var reader = await ParquetReader.CreateAsync($"{_lake.Path}/p.parquet"))
        {
            Assert.Equal(2, reader.RowGroupCount);
        }

        foreach (var column in new[] { "price", "wide" })
        {
            var upTo25 = ParquetSource.For(_lake.Path, new ParquetSourceOptions<Priced> { RowGroupFilters = [new ColumnRange(column, null, 25m)] });
            Assert.Equal(2501, (await SourceRun.AllAsync(Sys, upTo25)).Count(r => r.Value!.price <= 25m));
            Assert.Equal(0, upTo25.Metrics.RowGroupsSkipped);

            var upTo5 = ParquetSource.For(_lake.Path, new ParquetSourceOptions<Priced> { RowGroupFilters = [new ColumnRange(column, null, 5m)] });
            var read = await SourceRun.AllAsync(Sys, upTo5);
            Assert.Equal(2048, read.Count);
            Assert.Equal(501, read.Count(r => r.Value!.price <= 5m));
            Assert.Equal(1, upTo5.Metrics.RowGroupsSkipped);

            var from30 = ParquetSource.For(_lake.Path, new ParquetSourceOptions<Priced> { RowGroupFilters = [new ColumnRange(column, 30m, null)] });
            Assert.All(await SourceRun.AllAsync(Sys, from30), r => Assert.True(r.Value!.price >= 20.48m));
            Assert.Equal(1, from30.Metrics.RowGroupsSkipped);
        }
    }

    public new void Dispose()
    {
        _lake.Dispose();
        base.Dispose();
    }

#pragma warning disable SA1300, IDE1006 // DuckDB's column names
    public sealed class Priced
    {
        public long? id { get; set; }

        public decimal? price { get; set; }
    }
#pragma warning restore SA1300, IDE1006
}

using ActorFlow.Tests.Shared;

namespace ActorFlow.Parquet.Tests.Source;

/// <summary>
/// Row-group pruning compares statistics in the order the Parquet format defines for the column (parquet.thrift,
/// ColumnOrder), and skips a row group only when its statistics prove that no row matches: statistics that hold a NaN
/// prune nothing.
/// </summary>
public sealed class StatisticsOrderSpec : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly TempDirectory _lake = new("actorflow-parquet-stats-order");

    /// <summary>
    /// Verify that a string column is compared as unsigned UTF-8 bytes: a row group of B, Z and a (minimum B, maximum a
    /// in byte order) is read for the range Y–Z (a culture comparison put a before Y and skipped the group, losing Z), a
    /// group holding only é is read for the range from z, and a group of A–C is still skipped for the range from D.
    /// </summary>
    [Fact]
    public async Task Strings_must_compare_as_unsigned_bytes()
    {
        DuckDb.Query($"COPY (SELECT * FROM (VALUES ('B'), ('Z'), ('a')) t(s)) TO '{_lake.Path}/letters.parquet' (FORMAT PARQUET)");
        DuckDb.Query($"COPY (SELECT 'é' AS s) TO '{_lake.Path}/accent.parquet' (FORMAT PARQUET)");
        DuckDb.Query($"COPY (SELECT * FROM (VALUES ('A'), ('C')) t(s)) TO '{_lake.Path}/upper.parquet' (FORMAT PARQUET)");

        var yz = await ReadAsync<Text>(new ColumnRange("s", "Y", "Z"));
        Assert.Contains("Z", yz.Rows.Select(r => r.s));
        var fromZ = await ReadAsync<Text>(new ColumnRange("s", "z", null));
        Assert.Contains("é", fromZ.Rows.Select(r => r.s));
        var fromD = await ReadAsync<Text>(new ColumnRange("s", "D", null));
        Assert.DoesNotContain("A", fromD.Rows.Select(r => r.s));
        Assert.Equal(1, fromD.Skipped); // upper.parquet: A–C
    }

    /// <summary>
    /// Verify that an unsigned column (UINT_32, stored as INT32) is compared unsigned: a group of 1 and 3,000,000,000 is
    /// read for the range from 5 (its maximum read as a signed int is negative, and the group was skipped).
    /// </summary>
    [Fact]
    public async Task Unsigned_integers_must_compare_unsigned()
    {
        DuckDb.Query($"COPY (SELECT * FROM (VALUES (1::UINTEGER, 1::UBIGINT), (3000000000::UINTEGER, 18000000000000000000::UBIGINT)) t(u, ul)) TO '{_lake.Path}/u.parquet' (FORMAT PARQUET)");

        var u = await ReadAsync<Unsigned>(new ColumnRange("u", 5u, null));
        Assert.Contains(3_000_000_000u, u.Rows.Select(r => r.u));
        var ul = await ReadAsync<Unsigned>(new ColumnRange("ul", 5ul, null));
        Assert.Contains(18_000_000_000_000_000_000ul, ul.Rows.Select(r => r.ul));
        var above = await ReadAsync<Unsigned>(new ColumnRange("u", 3_000_000_001u, null));
        Assert.Equal(1, above.Skipped);
    }

    /// <summary>
    /// Verify that a NaN in a float column's statistics prunes nothing (parquet.thrift: a NaN min or max is to be
    /// ignored): Parquet.Net starts its min and max at the row group's first value, so a group whose first price is NaN
    /// had NaN for both, and a range from 10 skipped it and lost the price 50.
    /// </summary>
    [Fact]
    public async Task A_NaN_statistic_must_prune_nothing()
    {
        await Sink.SinkFiles.LandAsync(ParquetSink.For(_lake.Path, new ParquetSinkOptions<Priced> { RowGroupSize = 10 }), [new Priced { Id = 1, Price = double.NaN }, new Priced { Id = 2, Price = 50 }]);

        var read = await ReadAsync<Priced>(new ColumnRange("Price", 10.0, null));
        Assert.Contains(2L, read.Rows.Select(r => r.Id));
        Assert.Equal(0, read.Skipped);
    }

    /// <summary>
    /// Verify that a range names a top-level column: a struct member of the same name (Meta.Id, all below 100) does not
    /// decide for the top-level Id (all 100 or more), whose rows are read for the range from 100.
    /// </summary>
    [Fact]
    public async Task A_range_must_use_the_top_level_column_of_its_name()
    {
        DuckDb.Query($"COPY (SELECT {{'Id': i}} AS Meta, 100 + i AS Id FROM range(0, 10) t(i)) TO '{_lake.Path}/nested.parquet' (FORMAT PARQUET)");

        var read = await ReadAsync<Identified>(new ColumnRange("Id", 100L, null));
        Assert.Equal(10, read.Rows.Count);
        Assert.Equal(0, read.Skipped);
    }

    void IDisposable.Dispose()
    {
        _lake.Dispose();
        Dispose();
    }

    private async Task<(List<T> Rows, long Skipped)> ReadAsync<T>(ColumnRange range)
        where T : class, new()
    {
        var source = ParquetSource.For(_lake.Path, new ParquetSourceOptions<T> { RowGroupFilters = [range] });
        var rows = await SourceRun.AllAsync(Sys, source);
        return ([.. rows.Select(r => r.Value!)], source.Metrics.RowGroupsSkipped);
    }

#pragma warning disable SA1300, IDE1006 // the files' own column names
    public sealed class Text
    {
        public string? s { get; set; }
    }

    public sealed class Unsigned
    {
        public uint u { get; set; }

        public ulong ul { get; set; }
    }
#pragma warning restore SA1300, IDE1006

    public sealed class Priced
    {
        public long Id { get; set; }

        public double Price { get; set; }
    }

    public sealed class Identified
    {
        public long Id { get; set; }
    }
}

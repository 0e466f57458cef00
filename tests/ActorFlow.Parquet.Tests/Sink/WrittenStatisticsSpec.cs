using ActorFlow.Parquet.Tests.Source;
using ActorFlow.Tests.Shared;

namespace ActorFlow.Parquet.Tests.Sink;

/// <summary>
/// The string statistics the sink writes hold every value of their row group in the format's order (unsigned UTF-8
/// bytes), so that another engine's pruning, and this source's, finds every row.
/// </summary>
public sealed class WrittenStatisticsSpec : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly TempDirectory _lake = new("actorflow-parquet-written-stats");

    /// <summary>
    /// Verify that a row group holding a full-width Ａ (U+FF21) and an emoji (U+1F600) has a maximum DuckDB and the source
    /// find the emoji under (Parquet.Net's UTF-16 order made Ａ the maximum: DuckDB counted no row equal to the emoji),
    /// and that a group of plain letters keeps its exact bounds (B and a: byte order, not culture).
    /// </summary>
    [Fact]
    public async Task String_bounds_must_hold_every_value_in_byte_order()
    {
        await SinkFiles.LandAsync(ParquetSink.For(_lake.Path, new ParquetSinkOptions<Named> { RowGroupSize = 3 }), [
            new Named { Id = 1, Name = "a" }, new Named { Id = 2, Name = "B" }, new Named { Id = 3, Name = "c" },
            new Named { Id = 4, Name = "\uFF21" }, new Named { Id = 5, Name = "😀" }, new Named { Id = 6, Name = "z" }]);

        var from = DuckDb.Files(_lake.Path);
        Assert.Equal(1L, DuckDb.Scalar($"SELECT count(*) FROM {from} WHERE Name = '😀'"));
        Assert.Equal(1L, DuckDb.Scalar($"SELECT count(*) FROM {from} WHERE Name = 'a'"));
        var plain = DuckDb.Query($"SELECT stats_min_value, stats_max_value FROM parquet_metadata('{_lake.Path}/**/*.parquet') WHERE path_in_schema = 'Name' AND row_group_id = 0");
        Assert.Equal(["B", "c"], plain.Single());

        var source = ParquetSource.For(_lake.Path, new ParquetSourceOptions<Named> { RowGroupFilters = [new ColumnRange("Name", "😀", "😀")] });
        var read = await SourceRun.AllAsync(Sys, source);
        Assert.Contains(5L, read.Select(r => r.Value!.Id));
        Assert.Equal(1, source.Metrics.RowGroupsSkipped); // the plain letters: B to c
    }

    /// <summary>
    /// Verify that a row group of long strings lands (its page header, with the min and max written twice each, is longer
    /// than the 4 KB the statistics were first looked for in: the write failed with "cannot mend the statistics") and
    /// that DuckDB reads its rows and bounds.
    /// </summary>
    [Fact]
    public async Task Long_strings_must_land_with_their_bounds()
    {
        var low = "a" + new string('x', 3000);
        var high = "b" + new string('y', 3000);
        await SinkFiles.LandAsync(ParquetSink.For(_lake.Path, new ParquetSinkOptions<Named> { RowGroupSize = 10 }), [
            new Named { Id = 1, Name = high }, new Named { Id = 2, Name = low }]);

        var from = DuckDb.Files(_lake.Path);
        Assert.Equal(2L, DuckDb.Scalar($"SELECT count(*) FROM {from} WHERE Name >= '{low}'"));
        var bounds = DuckDb.Query($"SELECT stats_min_value, stats_max_value FROM parquet_metadata('{_lake.Path}/**/*.parquet') WHERE path_in_schema = 'Name'");
        Assert.Equal([low, high], bounds.Single());
    }

    void IDisposable.Dispose()
    {
        _lake.Dispose();
        Dispose();
    }

    public sealed class Named
    {
        public long Id { get; set; }

        public string? Name { get; set; }
    }
}

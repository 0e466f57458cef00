using ActorFlow.Parquet.Tests.Sink;
using ActorFlow.Tests.Shared;

namespace ActorFlow.Parquet.Tests.Source;

/// <summary>Issue 18: the file source prunes partitions by directory, row groups by statistics, and resumes at offsets.</summary>
public sealed class PushdownSpec : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly TempDirectory _lake = new("actorflow-parquet-source");

    /// <summary>
    /// Verify that over two days of hourly partitions with 50-row row groups in time order, a filter on dt opens only
    /// that day's files and a time range reads only the row groups whose min/max overlap it (counted), and that the
    /// records read are a superset of the matching ones that holds no row of a skipped group; a full scan reads all.
    /// </summary>
    [Fact]
    public async Task Pruning_and_pushdown_must_skip_files_and_row_groups_and_keep_every_match()
    {
        var trades = Enumerable.Range(0, 2880).Select(LandingJob.TradeOf).ToList(); // one a minute for two days
        await SinkFiles.LandAsync(ParquetSink.For(_lake.Path, new ParquetSinkOptions<Trade>
        {
            PartitionBy = ParquetPartitioning.ByEventTime<Trade>(t => t.Time),
            RowGroupSize = 10,
        }), trades);
        var day = DateTimeOffset.FromUnixTimeMilliseconds(LandingJob.Base).UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var from = LandingJob.Base + (3 * 3_600_000L);
        var to = from + (30 * 60_000L) - 1;

        var full = ParquetSource.For<TradeRow>(_lake.Path);
        var all = await SourceRun.AllAsync(Sys, full);
        Assert.Equal(2880, all.Select(r => r.Value!.Id).Distinct().Count());
        Assert.Equal(2880, full.Metrics.RowsRead);
        var groups = full.Metrics.RowGroupsRead;

        var pruned = ParquetSource.For(_lake.Path, new ParquetSourceOptions<TradeRow>
        {
            PartitionFilter = p => p["dt"] == day,
            RowGroupFilters = [new ColumnRange("Time", from, to)],
            Timestamp = t => t.Time,
        });
        var read = await SourceRun.AllAsync(Sys, pruned);
        var expected = trades.Where(t => t.Time >= from && t.Time <= to).Select(t => t.Id).Order().ToList();
        Assert.Equal(expected, read.Where(r => r.Value!.Time >= from && r.Value.Time <= to).Select(r => r.Value!.Id).Order().ToList());
        Assert.InRange(pruned.Metrics.RowGroupsRead, 3, 4); // 30 minutes: 3 or 4 row groups of 10 minutes
        Assert.InRange(pruned.Metrics.RowsRead, 30, 40);
        Assert.True(pruned.Metrics.FilesPruned > 20); // the other day's hours
        Assert.True(pruned.Metrics.RowGroupsSkipped > 50, $"{pruned.Metrics.RowGroupsSkipped} of {groups} row groups skipped");
        Assert.All(read, r => Assert.Equal(r.Value!.Time, r.Timestamp));
    }

    /// <summary>Verify that start offsets (rows of a row group a checkpoint covered) are skipped and a finished row group is empty.</summary>
    [Fact]
    public async Task Start_offsets_must_skip_the_rows_a_checkpoint_covered()
    {
        await SinkFiles.LandAsync(ParquetSink.For(_lake.Path, new ParquetSinkOptions<Trade> { RowGroupSize = 100 }), [.. Enumerable.Range(0, 300).Select(LandingJob.TradeOf)]);
        var source = ParquetSource.For<TradeRow>(_lake.Path);
        var all = await SourceRun.AllAsync(Sys, source);
        var partitions = all.Select(r => r.Origin).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(3, partitions.Count);

        var start = new Dictionary<string, long> { [partitions[0]] = 40, [partitions[1]] = 100 };
        var rest = await SourceRun.AllAsync(Sys, ParquetSource.For<TradeRow>(_lake.Path), start);
        Assert.Equal(160, rest.Count);
        Assert.Equal(60, rest.Count(r => r.Origin == partitions[0]));
        Assert.All(rest.Where(r => r.Origin == partitions[0]), r => Assert.True(r.Offset >= 40));
    }

    void IDisposable.Dispose()
    {
        _lake.Dispose();
        Dispose();
    }
}

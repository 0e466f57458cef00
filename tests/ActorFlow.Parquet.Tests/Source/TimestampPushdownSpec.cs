using ActorFlow.Tests.Shared;
using global::Parquet;

namespace ActorFlow.Parquet.Tests.Source;

/// <summary>A <see cref="ColumnRange"/> on a TIMESTAMP or DATE column of another tool's file prunes by time.</summary>
public sealed class TimestampPushdownSpec : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly TempDirectory _lake = new("actorflow-parquet-ts-pushdown");

    /// <summary>
    /// Verify that over a DuckDB file of two row groups (one a day: 2026-01-01 and 2026-01-02), a range on its
    /// TIMESTAMP, TIMESTAMP WITH TIME ZONE or DATE column given as a <see cref="DateTime"/>, a
    /// <see cref="DateTimeOffset"/>, a <see cref="DateOnly"/> or epoch milliseconds skips the other day's row group
    /// and reads this day's (each failed the file as unreadable: the statistics are raw INT64 microseconds or INT32
    /// days, which the bound was cast to), and that a bound of no type of the column prunes nothing instead of failing.
    /// </summary>
    [Fact]
    public async Task A_time_range_must_prune_a_timestamp_or_date_column_by_its_statistics()
    {
        DuckDb.Query($"""
            COPY (SELECT i AS id, TIMESTAMP '2026-01-01 00:00:00' + INTERVAL ((i // 2048) * 86400 + (i % 2048) * 40) SECOND AS ts,
                         TIMESTAMPTZ '2026-01-01 00:00:00+00' + INTERVAL ((i // 2048) * 86400 + (i % 2048) * 40) SECOND AS tstz,
                         CAST(TIMESTAMP '2026-01-01 00:00:00' + INTERVAL ((i // 2048) * 86400 + (i % 2048) * 40) SECOND AS DATE) AS dt
                  FROM range(0, 4096) t(i) ORDER BY i)
            TO '{_lake.Path}/t.parquet' (FORMAT PARQUET, ROW_GROUP_SIZE 2048)
            """);
        await using (var reader = await ParquetReader.CreateAsync($"{_lake.Path}/t.parquet"))
        {
            Assert.Equal(2, reader.RowGroupCount);
        }

        var secondDay = new DateTime(2026, 1, 2, 0, 0, 0, DateTimeKind.Utc);
        var ranges = new ColumnRange[]
        {
            new("ts", secondDay, null),
            new("tstz", new DateTimeOffset(secondDay), null),
            new("dt", DateOnly.FromDateTime(secondDay), null),
            new("tstz", new DateTimeOffset(secondDay).ToUnixTimeMilliseconds(), null),
        };
        foreach (var range in ranges)
        {
            var source = ParquetSource.For(_lake.Path, new ParquetSourceOptions<Stamped> { RowGroupFilters = [range] });
            var read = await SourceRun.AllAsync(Sys, source);
            Assert.Equal(1, source.Metrics.RowGroupsSkipped);
            Assert.Equal(2048, read.Count);
            Assert.Contains(read, r => r.Value!.ts >= secondDay);
        }

        var firstDay = ParquetSource.For(_lake.Path, new ParquetSourceOptions<Stamped> { RowGroupFilters = [new ColumnRange("ts", null, secondDay.AddTicks(-1))] });
        Assert.All(await SourceRun.AllAsync(Sys, firstDay), r => Assert.True(r.Value!.ts < secondDay));
        Assert.Equal(1, firstDay.Metrics.RowGroupsSkipped);

        var wrongType = ParquetSource.For(_lake.Path, new ParquetSourceOptions<Stamped> { RowGroupFilters = [new ColumnRange("id", "x", null)] });
        Assert.Equal(4096, (await SourceRun.AllAsync(Sys, wrongType)).Count);
        Assert.Equal(0, wrongType.Metrics.RowGroupsSkipped);
    }

    public new void Dispose()
    {
        _lake.Dispose();
        base.Dispose();
    }

#pragma warning disable SA1300, IDE1006 // DuckDB's column names
    public sealed class Stamped
    {
        public long? id { get; set; }

        public DateTime? ts { get; set; }
    }
#pragma warning restore SA1300, IDE1006
}

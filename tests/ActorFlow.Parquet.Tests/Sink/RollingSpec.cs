using ActorFlow.Tests.Shared;
using global::Parquet;

namespace ActorFlow.Parquet.Tests.Sink;

/// <summary>Issue 18: files roll by record count and size; row groups have the configured size and statistics.</summary>
public sealed class RollingSpec : IDisposable
{
    private readonly TempDirectory _lake = new("actorflow-parquet-roll");

    /// <summary>
    /// Verify that 1,000 records with RollRecords 300 and RowGroupSize 100 make four files (300, 300, 300, 100 rows) of
    /// row groups of at most 100 rows, each row group carrying min/max statistics of its own rows, Snappy by default.
    /// </summary>
    [Fact]
    public async Task Files_must_roll_by_record_count_with_statistics_in_every_row_group()
    {
        var sink = ParquetSink.For(_lake.Path, new ParquetSinkOptions<Trade> { RollRecords = 300, RowGroupSize = 100 });
        await SinkFiles.LandAsync(sink, [.. Enumerable.Range(0, 1000).Select(LandingJob.TradeOf)]);

        var files = SinkFiles.Final(_lake.Path);
        var counts = new List<long>();
        foreach (var file in files)
        {
            await using var reader = await ParquetReader.CreateAsync(file);
            var id = reader.Schema.GetDataFields().Single(f => f.Name == "Id");
            long rows = 0;
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                Assert.InRange(group.RowCount, 1, 100);
                var stats = group.GetStatistics(id);
                Assert.NotNull(stats);
                Assert.Equal(group.RowCount - 1, (long)stats.MaxValue! - (long)stats.MinValue!); // ids are consecutive per group
                rows += group.RowCount;
            }

            counts.Add(rows);
        }

        Assert.Equal([100L, 300, 300, 300], counts.Order());
        Assert.Equal(1000L, DuckDb.Scalar($"SELECT count(DISTINCT Id) FROM {DuckDb.Files(_lake.Path)}"));
        Assert.Equal("SNAPPY", DuckDb.Scalar($"SELECT DISTINCT compression FROM parquet_metadata('{_lake.Path}/*.parquet')"));
    }

    /// <summary>Verify that a file rolls once it reaches RollBytes (checked after each row group).</summary>
    [Fact]
    public async Task Files_must_roll_by_size()
    {
        var sink = ParquetSink.For(_lake.Path, new ParquetSinkOptions<Trade> { RollBytes = 1, RowGroupSize = 50 });
        await SinkFiles.LandAsync(sink, [.. Enumerable.Range(0, 500).Select(LandingJob.TradeOf)]);
        Assert.Equal(10, SinkFiles.Final(_lake.Path).Count);
        Assert.Equal(500L, DuckDb.Scalar($"SELECT count(*) FROM {DuckDb.Files(_lake.Path)}"));
    }

    /// <summary>Verify that a file open for RollInterval is closed before the next record, which starts a new file.</summary>
    [Fact]
    public async Task Files_must_roll_by_time()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var sink = ParquetSink.For(_lake.Path, new ParquetSinkOptions<Trade> { RollInterval = TimeSpan.FromMinutes(1), Clock = clock });
        await using (var writer = sink.CreateWriter())
        {
            await writer.WriteAsync([.. Enumerable.Range(0, 10).Select(LandingJob.TradeOf)], CancellationToken.None);
            clock.Advance(TimeSpan.FromSeconds(59));
            await writer.WriteAsync([.. Enumerable.Range(10, 10).Select(LandingJob.TradeOf)], CancellationToken.None);
            clock.Advance(TimeSpan.FromSeconds(1));
            await writer.WriteAsync([.. Enumerable.Range(20, 5).Select(LandingJob.TradeOf)], CancellationToken.None);
            await sink.CommitAsync(await writer.PrepareCommitAsync(1, CancellationToken.None), CancellationToken.None);
        }

        var files = SinkFiles.Final(_lake.Path);
        Assert.Equal(2, files.Count);
        var perFile = files.Select(f => (long)DuckDb.Scalar($"SELECT count(*) FROM read_parquet('{f}')")!).Order().ToList();
        Assert.Equal([5L, 20], perFile);
    }

    public void Dispose() => _lake.Dispose();
}

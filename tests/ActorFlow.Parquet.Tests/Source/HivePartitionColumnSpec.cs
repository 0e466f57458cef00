using System.Globalization;
using ActorFlow.Tests.Shared;

namespace ActorFlow.Parquet.Tests.Source;

/// <summary>The Hive directories of a file (<c>dt=2026-01-02/country=DE</c>) fill the members the file has no column for, as Spark and DuckDB read them.</summary>
public sealed class HivePartitionColumnSpec : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly TempDirectory _lake = new("actorflow-parquet-hive");

    /// <summary>
    /// Verify that a directory DuckDB's <c>PARTITION_BY (dt, country)</c> wrote (the files hold neither column) reads
    /// into a <see cref="DateOnly"/> member <c>Dt</c> (names match ignoring case) and a string member <c>country</c>
    /// with the values <c>read_parquet(…, hive_partitioning = true)</c> gives (they were left at their defaults), and
    /// that a directory value the member's type cannot hold is reported naming the file and the directory.
    /// </summary>
    [Fact]
    public async Task Partition_directories_must_fill_the_members_the_files_lack()
    {
        DuckDb.Query($"""
            COPY (SELECT i AS id, i * 1.5 AS amount, DATE '2026-01-01' + (i % 3)::INTEGER AS dt, CASE WHEN i % 2 = 0 THEN 'DE' ELSE 'FR' END AS country
                  FROM range(0, 60) t(i)) TO '{_lake.Path}' (FORMAT PARQUET, PARTITION_BY (dt, country))
            """);
        var expected = DuckDb.Query($"SELECT id, amount, CAST(dt AS VARCHAR), country FROM read_parquet('{_lake.Path}/**/*.parquet', hive_partitioning = true) ORDER BY id")
            .Select(r => string.Join('|', r.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture))));

        var read = await SourceRun.AllAsync(Sys, ParquetSource.For<Sale>(_lake.Path));
        Assert.Equal(60, read.Count);
        Assert.Equal(expected, read.Select(r => r.Value!).OrderBy(s => s.id).Select(s => string.Join('|', s.id, s.amount?.ToString(CultureInfo.InvariantCulture), s.Dt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), s.country)));

        var e = await Assert.ThrowsAsync<InvalidDataException>(() => SourceRun.AllAsync(Sys, ParquetSource.For<CountryAsNumber>(_lake.Path)));
        Assert.Contains("country=DE", e.Message, StringComparison.Ordinal);
        Assert.Contains(_lake.Path, e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Verify that the directories fill the members of a class with nested members (read by the level assembler) too,
    /// beside its list column, with the values DuckDB's <c>hive_partitioning</c> gives.
    /// </summary>
    [Fact]
    public async Task Partition_directories_must_fill_the_members_of_a_nested_class()
    {
        DuckDb.Query($"""
            COPY (SELECT i AS id, [i, i + 1] AS items, DATE '2026-01-01' + (i % 2)::INTEGER AS dt
                  FROM range(0, 10) t(i)) TO '{_lake.Path}' (FORMAT PARQUET, PARTITION_BY (dt))
            """);
        var expected = DuckDb.Query($"SELECT id, CAST(items AS VARCHAR), CAST(dt AS VARCHAR) FROM read_parquet('{_lake.Path}/**/*.parquet', hive_partitioning = true) ORDER BY id")
            .Select(r => string.Join('|', r));

        var read = await SourceRun.AllAsync(Sys, ParquetSource.For<Listed>(_lake.Path));
        Assert.Equal(expected, read.Select(r => r.Value!).OrderBy(s => s.id).Select(s => $"{s.id}|[{string.Join(", ", s.items!)}]|{s.Dt:yyyy-MM-dd}"));
    }

    public new void Dispose()
    {
        _lake.Dispose();
        base.Dispose();
    }

#pragma warning disable SA1300, IDE1006 // DuckDB's column names
    public sealed class Sale
    {
        public long? id { get; set; }

        public decimal? amount { get; set; }

        public DateOnly Dt { get; set; }

        public string? country { get; set; }
    }

    public sealed class Listed
    {
        public long? id { get; set; }

        public List<long?>? items { get; set; }

        public DateOnly Dt { get; set; }
    }

    public sealed class CountryAsNumber
    {
        public long? id { get; set; }

        public int country { get; set; }
    }
#pragma warning restore SA1300, IDE1006
}

using ActorFlow.Tests.Shared;

namespace ActorFlow.Parquet.Tests.Source;

/// <summary>
/// Hive's null partition directory (<c>year=__HIVE_DEFAULT_PARTITION__</c>, as Hive, Spark and this project's sink write
/// a null partition value) reads as a null, as DuckDB's <c>hive_partitioning</c> reads it; a member that cannot hold a
/// null fails the file (it read as 0 before).
/// </summary>
public sealed class NullPartitionSpec : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly TempDirectory _lake = new("actorflow-parquet-null-partition");

    /// <summary>Verify that the null partition reads as null into a nullable member, with DuckDB's values.</summary>
    [Fact]
    public async Task A_null_partition_must_read_as_null()
    {
        WriteFiles();
        var expected = DuckDb.Query($"SELECT id, year FROM read_parquet('{_lake.Path}/**/*.parquet', hive_partitioning = true) ORDER BY id")
            .Select(r => $"{r[0]}|{r[1]}");

        var read = await SourceRun.AllAsync(Sys, ParquetSource.For<Nullable>(_lake.Path));

        Assert.Equal(["1|2026", "2|"], expected);
        Assert.Equal(expected, read.Select(r => r.Value!).OrderBy(r => r.id).Select(r => $"{r.id}|{r.year}"));
    }

    /// <summary>Verify that a member that cannot hold null fails the file, naming the directory and the member.</summary>
    [Fact]
    public async Task A_null_partition_must_fail_a_member_that_cannot_hold_null()
    {
        WriteFiles();

        var e = await Assert.ThrowsAsync<InvalidDataException>(() => SourceRun.AllAsync(Sys, ParquetSource.For<Required>(_lake.Path)));

        Assert.Contains("year=__HIVE_DEFAULT_PARTITION__", e.Message, StringComparison.Ordinal);
        Assert.Contains("nullable", e.Message, StringComparison.Ordinal);
    }

    public new void Dispose()
    {
        _lake.Dispose();
        base.Dispose();
    }

    private void WriteFiles()
    {
        foreach (var (directory, id) in new[] { ("year=2026", 1), ("year=__HIVE_DEFAULT_PARTITION__", 2) })
        {
            Directory.CreateDirectory(Path.Combine(_lake.Path, directory));
            DuckDb.Query($"COPY (SELECT {id}::BIGINT AS id) TO '{Path.Combine(_lake.Path, directory, "part-0.parquet")}' (FORMAT PARQUET)");
        }
    }

#pragma warning disable SA1300, IDE1006 // DuckDB's column names
    public sealed class Nullable
    {
        public long? id { get; set; }

        public int? year { get; set; }
    }

    public sealed class Required
    {
        public long? id { get; set; }

        public int year { get; set; }
    }
#pragma warning restore SA1300, IDE1006
}

using ActorFlow.Tests.Shared;
using global::Parquet.Serialization;

namespace ActorFlow.Parquet.Tests.Source;

/// <summary>
/// Issue 18: the file source reads what DuckDB's <c>read_parquet</c> would for the same path: a directory, one file,
/// or a glob, and sees the Hive partitions of a file's whole path.
/// </summary>
public sealed class FileSelectionSpec : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly TempDirectory _lake = new("actorflow-parquet-glob");

    /// <summary>
    /// Verify that over a lake of Hive-partitioned files (with a nested directory, a text file, a file of another
    /// extension and a sink's in-progress file beside them) each path reads exactly the ids of the files DuckDB reads
    /// for it, that partition ids are relative to the glob's leading directory, and that in-progress files are never read.
    /// </summary>
    [Fact]
    public async Task A_glob_a_file_and_a_directory_must_read_the_files_duckdb_reads()
    {
        await WriteAsync("dt=2026-11-24/a.parquet", 1);
        await WriteAsync("dt=2026-11-25/b.parquet", 2);
        await WriteAsync("dt=2026-11-25/late/c.parquet", 3);
        await WriteAsync("dt=2026-11-26/d.parquet", 4);
        await WriteAsync("other/e.parquet", 5);
        await WriteAsync("other/f.parq", 6);
        await WriteAsync("dt=2026-11-25/.part-0.parquet.inprogress", 7);
        await File.WriteAllTextAsync(Path.Combine(_lake.Path, "notes.txt"), "not parquet");

        foreach (var (pattern, ids) in new (string, int[])[]
        {
            ("", [1, 2, 3, 4, 5]),                         // the directory: every *.parquet below it
            ("dt=2026-11-25/*.parquet", [2]),               // * stays within its directory
            ("dt=2026-11-25/**/*.parquet", [2, 3]),         // ** is any number of directories, none included
            ("**/*.parquet", [1, 2, 3, 4, 5]),
            ("dt=2026-11-2[45]/*.parquet", [1, 2]),
            ("dt=2026-11-2[!45]/*.parquet", [4]),
            ("dt=2026-11-2?/*.parquet", [1, 2, 4]),
            ("other/*", [5, 6]),                             // a glob decides, whatever the extension
            ("dt=*/*", [1, 2, 4]),                           // ... but never a sink's in-progress file (DuckDB reads 7 too)
            ("other/f.parq", [6]),                           // one file
        })
        {
            var path = pattern.Length == 0 ? _lake.Path : $"{_lake.Path}/{pattern}";
            // The expectation is DuckDB's reading of the same path, in-progress files aside.
            var duck = DuckDb.Query($"SELECT Id FROM read_parquet('{path}') ORDER BY Id").Select(r => (int)r[0]!).Where(id => id != 7);
            Assert.Equal(ids, duck);

            var read = await SourceRun.AllAsync(Sys, ParquetSource.For<Row>(path));
            Assert.True(ids.SequenceEqual(read.Select(r => r.Value!.Id).Order()), $"{pattern}: read {string.Join(", ", read.Select(r => r.Value!.Id).Order())}");
        }

        var glob = await SourceRun.AllAsync(Sys, ParquetSource.For<Row>($"{_lake.Path}/dt=2026-11-25/**/*.parquet"));
        Assert.Equal(["b.parquet/0", "late/c.parquet/0"], glob.Select(r => r.Origin).Order(StringComparer.Ordinal));
        var file = await SourceRun.AllAsync(Sys, ParquetSource.For<Row>($"{_lake.Path}/other/e.parquet"));
        Assert.Equal("e.parquet/0", Assert.Single(file).Origin);
    }

    /// <summary>
    /// Verify that a directory or a glob skips hidden files and directories as Flink's <c>DefaultFileFilter</c> and
    /// Spark do (Spark's uncommitted <c>_temporary</c> attempt files, Delta Lake's <c>_delta_log</c> checkpoints, dot
    /// files) but keeps a Hive directory that starts with <c>_</c>, and that a glob whose segment starts with <c>_</c>
    /// or <c>.</c> reads what that segment names (not hidden names elsewhere), as does a glob below a hidden directory.
    /// </summary>
    [Fact]
    public async Task A_hidden_file_or_directory_must_be_skipped_unless_a_glob_names_it()
    {
        await WriteAsync("dt=2026-11-25/b.parquet", 2);
        await WriteAsync("_temporary/0/_temporary/attempt_0/part-0.parquet", 11);
        await WriteAsync("_delta_log/00010.checkpoint.parquet", 12);
        await WriteAsync(".hidden.parquet", 13);
        await WriteAsync("_year=2026/g.parquet", 14);
        await WriteAsync("dt=2026-11-25/_x.parquet", 15);
        await WriteAsync("_staging/_temporary/0/p.parquet", 16);

        foreach (var (pattern, ids) in new (string, int[])[]
        {
            ("", [2, 14]),                                // the directory
            ("**/*.parquet", [2, 14]),
            ("*/*.parquet", [2, 14]),
            ("_*/*.parquet", [12, 14]),                   // a glob that names '_' reads '_' names
            ("_*/**/*.parquet", [12, 14]),                // ... there only: ** crosses no hidden directory
            (".*.parquet", [13]),
            ("_delta_log/*.parquet", [12]),               // below a hidden directory the glob names
            ("_temporary/0/_temporary/*/*.parquet", [11]),
        })
        {
            var path = pattern.Length == 0 ? _lake.Path : $"{_lake.Path}/{pattern}";
            var read = await SourceRun.AllAsync(Sys, ParquetSource.For<Row>(path));
            Assert.True(ids.SequenceEqual(read.Select(r => r.Value!.Id).Order()), $"{pattern}: read {string.Join(", ", read.Select(r => r.Value!.Id).Order())}");
        }
    }

    /// <summary>
    /// Verify that a partition filter sees the Hive partitions of a file's whole path, above the directory or glob the
    /// source was given too (as DuckDB's <c>hive_partitioning</c>), and that it still prunes before files are opened.
    /// </summary>
    [Fact]
    public async Task A_partition_filter_must_see_the_partitions_of_the_whole_path()
    {
        await WriteAsync("region=eu/dt=2026-11-24/a.parquet", 1);
        await WriteAsync("region=eu/dt=2026-11-25/b.parquet", 2);
        await WriteAsync("region=us/dt=2026-11-25/c.parquet", 3);

        var source = ParquetSource.For($"{_lake.Path}/region=eu", new ParquetSourceOptions<Row> { PartitionFilter = p => p["region"] == "eu" && p["dt"] == "2026-11-25" });
        Assert.Equal([2], (await SourceRun.AllAsync(Sys, source)).Select(r => r.Value!.Id));
        Assert.Equal(1, source.Metrics.FilesPruned);

        var glob = ParquetSource.For($"{_lake.Path}/region=*/dt=2026-11-25/*.parquet", new ParquetSourceOptions<Row> { PartitionFilter = p => p["region"] == "us" });
        Assert.Equal([3], (await SourceRun.AllAsync(Sys, glob)).Select(r => r.Value!.Id));
        Assert.Equal(1, glob.Metrics.FilesPruned);
        Assert.Equal(1, glob.Metrics.FilesRead);

        // A name that repeats along the path: the first directory wins, as in DuckDB.
        await WriteAsync("region=eu/archive/region=us/d.parquet", 4);
        var repeated = ParquetSource.For($"{_lake.Path}/region=eu/archive", new ParquetSourceOptions<Row> { PartitionFilter = p => p["region"] == "eu" });
        Assert.Equal([4], (await SourceRun.AllAsync(Sys, repeated)).Select(r => r.Value!.Id));
        Assert.Equal("eu", DuckDb.Scalar($"SELECT region FROM read_parquet('{_lake.Path}/region=eu/archive/**/*.parquet', hive_partitioning = true)"));
    }

    /// <summary>
    /// Verify that a glob whose leading directory does not exist, or that matches no file (as DuckDB: more likely a
    /// typo than an empty input), fails the source naming it, while an empty directory is an empty input; and that a
    /// malformed glob is refused when the source is made, naming the glob.
    /// </summary>
    [Fact]
    public async Task A_missing_directory_a_glob_matching_nothing_or_a_malformed_glob_must_fail_with_its_path()
    {
        await WriteAsync("dt=2026-11-25/a.parquet", 1);
        var missing = $"{_lake.Path}/absent/*.parquet";
        var error = await Assert.ThrowsAsync<DirectoryNotFoundException>(() => SourceRun.AllAsync(Sys, ParquetSource.For<Row>(missing)));
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Contains("absent", error.Message, StringComparison.Ordinal);

        var typo = $"{_lake.Path}/dt=2026-11-5*/*.parquet";
        var none = await Assert.ThrowsAsync<FileNotFoundException>(() => SourceRun.AllAsync(Sys, ParquetSource.For<Row>(typo)));
        Assert.Contains(typo, none.Message, StringComparison.Ordinal);
        Directory.CreateDirectory(Path.Combine(_lake.Path, "empty"));
        Assert.Empty(await SourceRun.AllAsync(Sys, ParquetSource.For<Row>(Path.Combine(_lake.Path, "empty"))));

        var unclosed = Assert.Throws<ArgumentException>(() => ParquetSource.For<Row>($"{_lake.Path}/dt=[2026/*.parquet"));
        Assert.Contains("'['", unclosed.Message, StringComparison.Ordinal);
        Assert.Contains("dt=[2026", unclosed.Message, StringComparison.Ordinal);
        Assert.Contains("[!]", Assert.Throws<ArgumentException>(() => ParquetSource.For<Row>($"{_lake.Path}/dt=[!]/*.parquet")).Message, StringComparison.Ordinal);
    }

    public new void Dispose()
    {
        _lake.Dispose();
        base.Dispose();
    }

    private async Task WriteAsync(string relative, int id)
    {
        var file = Path.Combine(_lake.Path, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await using var stream = File.Create(file);
        await ParquetSerializer.SerializeAsync(new[] { new Row { Id = id } }, stream);
    }

    /// <summary>One row of a test file.</summary>
    public sealed class Row
    {
        public int Id { get; set; }
    }
}

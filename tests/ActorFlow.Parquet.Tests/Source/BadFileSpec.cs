using ActorFlow.Parquet.Tests.Sink;
using ActorFlow.Tests.Shared;

namespace ActorFlow.Parquet.Tests.Source;

/// <summary>Issue 18: corrupt or truncated input files, and files whose schemas differ.</summary>
public sealed class BadFileSpec : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly TempDirectory _lake = new("actorflow-parquet-bad");

    /// <summary>
    /// Verify that a truncated file fails the source with an error naming its path by default, and with
    /// <see cref="BadFileAction.Skip"/> is reported by path and skipped while every other file is read.
    /// </summary>
    [Fact]
    public async Task A_truncated_file_must_fail_or_be_skipped_by_path()
    {
        var sink = ParquetSink.For(_lake.Path, new ParquetSinkOptions<Trade> { PartitionBy = t => "p=" + (t.Id % 3) });
        await SinkFiles.LandAsync(sink, [.. Enumerable.Range(0, 90).Select(LandingJob.TradeOf)]);
        var broken = SinkFiles.Final(_lake.Path)[1];
        var bytes = await File.ReadAllBytesAsync(broken);
        await File.WriteAllBytesAsync(broken, bytes[..(bytes.Length / 2)]);

        var e = await Assert.ThrowsAsync<InvalidDataException>(() => SourceRun.AllAsync(Sys, ParquetSource.For<TradeRow>(_lake.Path)));
        Assert.Contains(broken, e.Message, StringComparison.Ordinal);

        var reported = new List<string>();
        var skipping = ParquetSource.For(_lake.Path, new ParquetSourceOptions<TradeRow> { OnBadFileAction = BadFileAction.Skip, OnBadFile = (path, _) => reported.Add(path) });
        var read = await SourceRun.AllAsync(Sys, skipping);
        Assert.Equal([broken], reported);
        Assert.Equal(60, read.Count);
        Assert.Equal(1, skipping.Metrics.FilesSkipped);
    }

    /// <summary>
    /// Verify that a value .NET cannot hold (Spark's INT96 timestamp of year 290000, parquet-testing's
    /// int96_from_spark.parquet) fails the row group naming the file and the column on every read path, not only with
    /// .NET's own message.
    /// </summary>
    [Fact]
    public async Task A_value_dotnet_cannot_hold_must_fail_naming_the_column()
    {
        var file = Path.Combine(OtherWriters.Fixtures, "int96_from_spark.parquet");

        foreach (var read in new Func<Task>[]
        {
            () => SourceRun.AllAsync(Sys, ParquetSource.For<Int96Row>(file)),
            () => SourceRun.AllAsync(Sys, ParquetSource.For<Int96Record>(file)),
            () => SourceRun.AllAsync(Sys, ParquetSource.ForAvro(file, (global::Avro.RecordSchema)global::Avro.Schema.Parse("""
                {"type":"record","name":"R","fields":[{"name":"a","type":["null",{"type":"long","logicalType":"timestamp-micros"}]}]}
                """))),
        })
        {
            var e = await Assert.ThrowsAsync<InvalidDataException>(read);
            Assert.Contains(file, e.Message, StringComparison.Ordinal);
            Assert.Contains("column 'a' cannot be read", e.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// Verify that files of two schema versions are reconciled by name (a column a file lacks reads as its default),
    /// and that a column of another type is reported naming the file, the column and both types.
    /// </summary>
    [Fact]
    public async Task Schemas_that_differ_must_be_reconciled_by_name_or_reported()
    {
        await SinkFiles.LandAsync(ParquetSink.For(Path.Combine(_lake.Path, "v=1"), new ParquetSinkOptions<Narrow>()), [new Narrow { Id = 1, Time = 10 }]);
        await SinkFiles.LandAsync(ParquetSink.For(Path.Combine(_lake.Path, "v=2"), new ParquetSinkOptions<Trade>()), [LandingJob.TradeOf(2)]);
        var read = await SourceRun.AllAsync(Sys, ParquetSource.For<TradeRow>(_lake.Path));
        Assert.Equal([null, "S2"], read.OrderBy(r => r.Value!.Id).Select(r => r.Value!.Symbol));

        await SinkFiles.LandAsync(ParquetSink.For(Path.Combine(_lake.Path, "v=3"), new ParquetSinkOptions<Retyped>()), [new Retyped { Id = 3, Symbol = 7 }]);
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => SourceRun.AllAsync(Sys, ParquetSource.For<TradeRow>(_lake.Path)));
        Assert.True(e.Message.Contains("column 'Symbol'", StringComparison.Ordinal), e.Message);
        Assert.Contains("v=3", e.Message, StringComparison.Ordinal);
        Assert.True(e.Message.Contains("column 'Symbol' is Int32 in the file but TradeRow reads it as String", StringComparison.Ordinal), e.Message);
    }

    /// <summary>
    /// Verify that a file whose column has another shape than its member (a struct where the class has a list, a list
    /// of integers where it has a list of strings) is reported when the source plans it, naming the file, the column
    /// and the member, and skipped whole with <see cref="BadFileAction.Skip"/> while other files read.
    /// </summary>
    [Fact]
    public async Task A_nested_column_of_another_shape_must_be_reported_naming_column_and_member()
    {
        Directory.CreateDirectory(Path.Combine(_lake.Path, "good"));
        Directory.CreateDirectory(Path.Combine(_lake.Path, "struct"));
        Directory.CreateDirectory(Path.Combine(_lake.Path, "ints"));
        DuckDb.Query($"COPY (SELECT 1 AS Id, ['a']::VARCHAR[] AS Tags) TO '{_lake.Path}/good/g.parquet' (FORMAT PARQUET)");
        DuckDb.Query($"COPY (SELECT 2 AS Id, {{'x': 1}} AS Tags) TO '{_lake.Path}/struct/s.parquet' (FORMAT PARQUET)");
        DuckDb.Query($"COPY (SELECT 3 AS Id, [1]::INTEGER[] AS Tags) TO '{_lake.Path}/ints/i.parquet' (FORMAT PARQUET)");

        var shape = await Assert.ThrowsAsync<InvalidDataException>(() => SourceRun.AllAsync(Sys, ParquetSource.For<Tagged>(Path.Combine(_lake.Path, "struct"))));
        Assert.Contains($"Parquet input '{_lake.Path}/struct/s.parquet': column 'Tags' is a struct in the file but member 'Tags' is a list (List<String>)", shape.Message, StringComparison.Ordinal);
        var type = await Assert.ThrowsAsync<InvalidDataException>(() => SourceRun.AllAsync(Sys, ParquetSource.For<Tagged>(Path.Combine(_lake.Path, "ints"))));
        Assert.Contains("column 'Tags/list/element' is Int32 in the file but Tagged reads it as String", type.Message, StringComparison.Ordinal);

        var reported = new List<string>();
        var read = await SourceRun.AllAsync(Sys, ParquetSource.For(_lake.Path, new ParquetSourceOptions<Tagged> { OnBadFileAction = BadFileAction.Skip, OnBadFile = (path, _) => reported.Add(Path.GetFileName(path)) }));
        Assert.Equal(["i.parquet", "s.parquet"], reported.Order(StringComparer.Ordinal));
        Assert.Equal(["1:a"], read.Select(r => $"{r.Value!.Id}:{string.Join(',', r.Value.Tags!)}"));
    }

    /// <summary>
    /// Verify that a timestamp function that throws fails the source with its own exception, also with
    /// <see cref="BadFileAction.Skip"/>: the file is not bad, and its rows are not skipped as if it were.
    /// </summary>
    [Fact]
    public async Task A_throwing_timestamp_function_must_fail_the_source_not_skip_the_file()
    {
        await SinkFiles.LandAsync(ParquetSink.For(_lake.Path, new ParquetSinkOptions<Trade>()), [.. Enumerable.Range(0, 30).Select(LandingJob.TradeOf)]);
        var reported = new List<string>();
        var source = ParquetSource.For(_lake.Path, new ParquetSourceOptions<TradeRow>
        {
            OnBadFileAction = BadFileAction.Skip,
            OnBadFile = (path, _) => reported.Add(path),
            Timestamp = t => t.Id == 17 ? throw new InvalidOperationException("no time for 17") : t.Time,
        });
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => SourceRun.AllAsync(Sys, source));
        Assert.Equal("no time for 17", e.Message);
        Assert.Empty(reported);
        Assert.Equal(0, source.Metrics.FilesSkipped);
    }

    void IDisposable.Dispose()
    {
        _lake.Dispose();
        Dispose();
    }

    public sealed class Narrow
    {
        public long Id { get; set; }

        public long Time { get; set; }
    }

    public sealed class Tagged
    {
        public int? Id { get; set; }

        public List<string?>? Tags { get; set; }
    }

    public sealed class Retyped
    {
        public long Id { get; set; }

        public int Symbol { get; set; }
    }

#pragma warning disable SA1300, IDE1006 // the file's column name
    /// <summary>Read column by column (a flat class of settable properties).</summary>
    public sealed class Int96Row
    {
        public DateTime? a { get; set; }
    }

    /// <summary>Read by levels (a positional record is refused there; a class with a list member is not flat).</summary>
    public sealed class Int96Record
    {
        public DateTime? a { get; set; }

        public List<int>? absent { get; set; }
    }
#pragma warning restore SA1300, IDE1006
}

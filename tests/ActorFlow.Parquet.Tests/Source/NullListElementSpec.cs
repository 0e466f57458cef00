using ActorFlow.Tests.Shared;

namespace ActorFlow.Parquet.Tests.Source;

/// <summary>A null list element (DuckDB's <c>[1, NULL, 2]</c>) reads as null into an element type that holds null, and fails its row group into one that does not.</summary>
public sealed class NullListElementSpec : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly TempDirectory _lake = new("actorflow-parquet-null-element");

    /// <summary>
    /// Verify that <c>[1, NULL, 2]</c> reads into a <c>List&lt;int?&gt;</c>, a <c>List&lt;string?&gt;</c> and a list of
    /// a nullable class with the null in its place (Parquet.Net 6.1's serializer dropped it: <c>[1, 2]</c>); that into a
    /// <c>List&lt;int&gt;</c> the row group is reported naming the file, the column and the member, and with
    /// <see cref="BadFileAction.Skip"/> is skipped and reported while a file whose lists hold no null element reads.
    /// </summary>
    [Fact]
    public async Task A_null_list_element_must_read_as_null_or_fail_where_the_element_cannot_hold_it()
    {
        Directory.CreateDirectory($"{_lake.Path}/nulls");
        Directory.CreateDirectory($"{_lake.Path}/clean");
        DuckDb.Query($$"""
            COPY (SELECT 1 AS id, [1, NULL, 2]::INTEGER[] AS li, ['a', NULL]::VARCHAR[] AS ls, [NULL, {'k': 'x'}] AS lr)
            TO '{{_lake.Path}}/nulls/a.parquet' (FORMAT PARQUET)
            """);
        DuckDb.Query($"COPY (SELECT 2 AS id, [3, 4]::INTEGER[] AS li) TO '{_lake.Path}/clean/b.parquet' (FORMAT PARQUET)");
        Assert.Equal("[1, NULL, 2]", DuckDb.Scalar($"SELECT CAST(li AS VARCHAR) FROM '{_lake.Path}/nulls/a.parquet'"));

        var nullable = await SourceRun.AllAsync(Sys, ParquetSource.For<NullableElements>($"{_lake.Path}/nulls"));
        var row = Assert.Single(nullable).Value!;
        Assert.Equal([1, null, 2], row.li!);
        Assert.Equal(["a", null], row.ls!);
        Assert.Equal(["null", "x"], row.lr!.Select(r => r?.k ?? "null"));

        var e = await Assert.ThrowsAsync<InvalidDataException>(() => SourceRun.AllAsync(Sys, ParquetSource.For<Listed>($"{_lake.Path}/nulls")));
        Assert.Contains($"{_lake.Path}/nulls/a.parquet", e.Message, StringComparison.Ordinal);
        Assert.Contains("column 'li/list/element' holds a null list element, which member 'li[]' (Int32) cannot hold", e.Message, StringComparison.Ordinal);

        var skipped = new List<string>();
        var read = await SourceRun.AllAsync(Sys, ParquetSource.For(_lake.Path, new ParquetSourceOptions<Listed>
        {
            OnBadFileAction = BadFileAction.Skip,
            OnBadFile = (path, _) => skipped.Add(Path.GetFileName(path)),
        }));
        Assert.Equal(["a.parquet"], skipped);
        Assert.Equal(["2:3,4"], read.Select(r => $"{r.Value!.id}:{string.Join(',', r.Value.li!)}"));
    }

    public new void Dispose()
    {
        _lake.Dispose();
        base.Dispose();
    }

#pragma warning disable SA1300, IDE1006 // DuckDB's column names
    public sealed class Listed
    {
        public int? id { get; set; }

        public List<int>? li { get; set; }
    }

    public sealed class NullableElements
    {
        public int? id { get; set; }

        public List<int?>? li { get; set; }

        public List<string?>? ls { get; set; }

        public List<Keyed?>? lr { get; set; }
    }

    public sealed class Keyed
    {
        public string? k { get; set; }
    }
#pragma warning restore SA1300, IDE1006
}

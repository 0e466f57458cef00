using ActorFlow.Tests.Shared;

namespace ActorFlow.Parquet.Tests.Source;

/// <summary>A list with a null element (DuckDB's <c>[1, NULL, 2]</c>) fails its row group instead of reading shorter.</summary>
public sealed class NullListElementSpec : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly TempDirectory _lake = new("actorflow-parquet-null-element");

    /// <summary>
    /// Verify that a row group whose list column holds a null element is reported naming the file and the column
    /// (Parquet.Net 6.1's serializer dropped the null: <c>[1, NULL, 2]</c> read as <c>[1, 2]</c>), that with
    /// <see cref="BadFileAction.Skip"/> it is skipped and reported, and that the rows of a file whose lists hold no null
    /// element read with their lists.
    /// </summary>
    [Fact]
    public async Task A_null_list_element_must_fail_its_row_group_instead_of_reading_shorter()
    {
        Directory.CreateDirectory($"{_lake.Path}/nulls");
        Directory.CreateDirectory($"{_lake.Path}/clean");
        DuckDb.Query($"COPY (SELECT 1 AS id, [1, NULL, 2]::INTEGER[] AS li) TO '{_lake.Path}/nulls/a.parquet' (FORMAT PARQUET)");
        DuckDb.Query($"COPY (SELECT 2 AS id, [3, 4]::INTEGER[] AS li) TO '{_lake.Path}/clean/b.parquet' (FORMAT PARQUET)");

        var e = await Assert.ThrowsAsync<InvalidDataException>(() => SourceRun.AllAsync(Sys, ParquetSource.For<Listed>($"{_lake.Path}/nulls")));
        Assert.Contains($"{_lake.Path}/nulls/a.parquet", e.Message, StringComparison.Ordinal);
        Assert.Contains("column 'li/list/element' holds a null list element", e.Message, StringComparison.Ordinal);

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

        public List<int?>? li { get; set; }
    }
#pragma warning restore SA1300, IDE1006
}

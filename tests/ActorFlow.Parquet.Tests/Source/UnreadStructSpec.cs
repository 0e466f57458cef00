using ActorFlow.Tests.Shared;

namespace ActorFlow.Parquet.Tests.Source;

/// <summary>
/// A struct column none of whose fields a class reads still tells whether each row's struct is null, also when its
/// only field is a list (several entries per row), and the rows after it keep their own values.
/// </summary>
public sealed class UnreadStructSpec : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly TempDirectory _lake = new("actorflow-parquet-unread-struct");

    /// <summary>
    /// Verify that a member of a class whose fields are all absent from a struct of lists is null exactly where the
    /// struct is NULL (its probe consumes every entry of a row's lists, or it read the next rows' entries).
    /// </summary>
    [Fact]
    public async Task A_struct_of_lists_read_for_its_presence_only_must_keep_rows_aligned()
    {
        DuckDb.Query($$"""
            COPY (SELECT i::INTEGER AS id, CASE WHEN i % 3 = 1 THEN NULL ELSE {'xs': CASE WHEN i % 4 = 0 THEN [] ELSE [i, i + 1, i + 2] END} END AS s
                  FROM range(0, 500) t(i)) TO '{{_lake.Path}}/s.parquet' (FORMAT PARQUET)
            """);
        var expected = DuckDb.Query($"SELECT id, s IS NULL FROM '{_lake.Path}/s.parquet' ORDER BY id").Select(r => $"{r[0]}:{r[1]}").ToList();

        var read = await SourceRun.AllAsync(Sys, ParquetSource.For<Row>(_lake.Path));

        Assert.Equal(expected, read.Select(r => r.Value!).OrderBy(r => r.id).Select(r => $"{r.id}:{r.s is null}"));
    }

    public new void Dispose()
    {
        _lake.Dispose();
        base.Dispose();
    }

#pragma warning disable SA1300, IDE1006 // DuckDB's column names
    public sealed class Inner
    {
        public int z { get; set; }
    }

    public sealed class Row
    {
        public int? id { get; set; }

        public Inner? s { get; set; }
    }
#pragma warning restore SA1300, IDE1006
}

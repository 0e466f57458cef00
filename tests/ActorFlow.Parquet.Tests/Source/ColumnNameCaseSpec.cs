using ActorFlow.Tests.Shared;

namespace ActorFlow.Parquet.Tests.Source;

/// <summary>Columns match members ignoring case when no member matches exactly, as DuckDB and Spark match them.</summary>
public sealed class ColumnNameCaseSpec : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly TempDirectory _lake = new("actorflow-parquet-case");

    /// <summary>
    /// Verify that a DuckDB file's lower-case columns (<c>id</c>, <c>amount</c>, <c>note</c>, <c>tags</c>) read into C#
    /// members named <c>Id</c>, <c>Amount</c>, <c>Note</c>, <c>Tags</c>, through the column reader and through the
    /// level assembler (a class with a list; a struct's fields too: <c>st.who</c> into <c>St.Who</c>), and that a <see cref="ColumnRange"/> on <c>ID</c> prunes by the
    /// <c>id</c> column's statistics (all were left at their defaults, silently: the columns counted as missing).
    /// </summary>
    [Fact]
    public async Task A_column_must_read_into_a_member_whose_name_differs_only_in_case()
    {
        DuckDb.Query($$"""
            COPY (SELECT i AS id, i * 2.5 AS amount, 'n' || i AS note, [i]::INTEGER[] AS tags, {'who': 'w' || i} AS st FROM range(0, 4) t(i))
            TO '{{_lake.Path}}/a.parquet' (FORMAT PARQUET)
            """);

        var flat = await SourceRun.AllAsync(Sys, ParquetSource.For<Flat>(_lake.Path));
        Assert.Equal(["0:0.0:n0", "1:2.5:n1", "2:5.0:n2", "3:7.5:n3"], flat.Select(r => r.Value!).OrderBy(r => r.Id).Select(r => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{r.Id}:{r.Amount:0.0}:{r.Note}")));

        var nested = await SourceRun.AllAsync(Sys, ParquetSource.For<Tagged>(_lake.Path));
        Assert.Equal(["0:n0:0:w0", "1:n1:1:w1", "2:n2:2:w2", "3:n3:3:w3"], nested.Select(r => r.Value!).OrderBy(r => r.Id).Select(r => $"{r.Id}:{r.Note}:{string.Join(',', r.Tags!)}:{r.St?.Who}"));

        var pruning = ParquetSource.For(_lake.Path, new ParquetSourceOptions<Flat> { RowGroupFilters = [new ColumnRange("ID", 100L, null)] });
        Assert.Empty(await SourceRun.AllAsync(Sys, pruning));
        Assert.Equal(1, pruning.Metrics.RowGroupsSkipped);
    }

    public new void Dispose()
    {
        _lake.Dispose();
        base.Dispose();
    }

    public sealed class Flat
    {
        public long? Id { get; set; }

        public decimal? Amount { get; set; }

        public string? Note { get; set; }
    }

    public sealed class Tagged
    {
        public long? Id { get; set; }

        public string? Note { get; set; }

        public List<int?>? Tags { get; set; }

        public Named? St { get; set; }
    }

    public sealed class Named
    {
        public string? Who { get; set; }
    }
}

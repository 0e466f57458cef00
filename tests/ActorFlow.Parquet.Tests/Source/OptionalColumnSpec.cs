using ActorFlow.Tests.Shared;
using global::Parquet.Serialization;

namespace ActorFlow.Parquet.Tests.Source;

/// <summary>
/// A column's nullability need not match its member's: an optional column (every DuckDB, Spark and pyarrow column is
/// one) reads into a non-nullable member until a null appears in it, as Spark reads it into a non-nullable field.
/// </summary>
public sealed class OptionalColumnSpec : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly TempDirectory _lake = new("actorflow-parquet-optional");

    /// <summary>
    /// Verify that DuckDB's optional INTEGER, DOUBLE, TIMESTAMP and INTEGER[] columns read into <c>int</c>,
    /// <c>double</c>, <c>DateTime</c> and <c>List&lt;int&gt;</c> members of a class with a nested member (Parquet.Net's
    /// serializer refused the file), with DuckDB's values.
    /// </summary>
    [Fact]
    public async Task An_optional_column_without_nulls_must_read_into_a_non_nullable_member()
    {
        DuckDb.Query($"""
            COPY (SELECT i::INTEGER AS Id, i / 4 AS Score, TIMESTAMP '2026-01-01' + INTERVAL (i) HOUR AS At, [i::INTEGER, 2 * i::INTEGER] AS Items
                  FROM range(0, 3000) t(i)) TO '{_lake.Path}/values.parquet' (FORMAT PARQUET, ROW_GROUP_SIZE 2048)
            """);
        var expected = DuckDb.Query($"SELECT Id, Score, strftime(\"At\", '%Y-%m-%d %H'), CAST(Items AS VARCHAR) FROM '{_lake.Path}/values.parquet' ORDER BY Id")
            .Select(r => string.Join('|', r.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture))));
        await Assert.ThrowsAsync<InvalidDataException>(() => ParquetSerializer.DeserializeAsync<Order>($"{_lake.Path}/values.parquet"));

        var read = await SourceRun.AllAsync(Sys, ParquetSource.For<Order>(_lake.Path));
        Assert.Equal(expected, read.Select(r => r.Value!).OrderBy(o => o.Id).Select(o => o.Text()));
    }

    /// <summary>
    /// Verify that a null in an optional column read into a non-nullable member fails its row group naming the file,
    /// the column and the member (Spark's "null value appeared in non-nullable field"), at the top level, in a struct
    /// and as a list element, and that <see cref="BadFileAction.Skip"/> skips that row group and reports the file once
    /// while the file's other row groups and other files read.
    /// </summary>
    [Fact]
    public async Task A_null_in_an_optional_column_must_fail_the_row_group_of_a_non_nullable_member()
    {
        DuckDb.Query($$"""
            COPY (SELECT CASE WHEN i = 2100 THEN NULL ELSE i::INTEGER END AS Id, i / 4 AS Score, TIMESTAMP '2026-01-01' AS At, [i::INTEGER] AS Items
                  FROM range(0, 3000) t(i)) TO '{{_lake.Path}}/a.parquet' (FORMAT PARQUET, ROW_GROUP_SIZE 2048)
            """);
        var top = await Assert.ThrowsAsync<InvalidDataException>(() => SourceRun.AllAsync(Sys, ParquetSource.For<Order>(_lake.Path)));
        Assert.Contains($"{_lake.Path}/a.parquet", top.Message, StringComparison.Ordinal);
        Assert.Contains("column 'Id' holds a null, which member 'Id' (Int32) cannot hold", top.Message, StringComparison.Ordinal);

        var skipped = new List<string>();
        var read = await SourceRun.AllAsync(Sys, ParquetSource.For(_lake.Path, new ParquetSourceOptions<Order>
        {
            OnBadFileAction = BadFileAction.Skip,
            OnBadFile = (path, _) => skipped.Add(Path.GetFileName(path)),
        }));
        Assert.Equal(["a.parquet"], skipped);
        Assert.Equal(Enumerable.Range(0, 2048), read.Select(r => r.Value!.Id).Order());

        Directory.CreateDirectory($"{_lake.Path}/nested");
        DuckDb.Query($$"""
            COPY (SELECT 1 AS Id, {'Amount': NULL::DOUBLE} AS Total, [1, NULL]::INTEGER[] AS Items) TO '{{_lake.Path}}/nested/b.parquet' (FORMAT PARQUET)
            """);
        var inStruct = await Assert.ThrowsAsync<InvalidDataException>(() => SourceRun.AllAsync(Sys, ParquetSource.For<Totalled>($"{_lake.Path}/nested")));
        Assert.Contains("column 'Total/Amount' holds a null, which member 'Total.Amount' (Double) cannot hold", inStruct.Message, StringComparison.Ordinal);
        var element = await Assert.ThrowsAsync<InvalidDataException>(() => SourceRun.AllAsync(Sys, ParquetSource.For<Order>($"{_lake.Path}/nested")));
        Assert.Contains("column 'Items/list/element' holds a null list element, which member 'Items[]' (Int32) cannot hold", element.Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that required columns (Parquet.Net writes a <c>long</c> and a list's <c>long</c> elements so) read into nullable members.</summary>
    [Fact]
    public async Task A_required_column_must_read_into_a_nullable_member()
    {
        await ParquetSerializer.SerializeAsync(Enumerable.Range(0, 3).Select(i => new Required { Id = i, Items = [i, i + 1] }), $"{_lake.Path}/required.parquet");
        var read = await SourceRun.AllAsync(Sys, ParquetSource.For<NullableRow>(_lake.Path));
        Assert.Equal(["0:0,1", "1:1,2", "2:2,3"], read.Select(r => r.Value!).OrderBy(r => r.Id).Select(r => $"{r.Id}:{string.Join(',', r.Items!)}"));
    }

    public new void Dispose()
    {
        _lake.Dispose();
        base.Dispose();
    }

    public sealed class Order
    {
        public int Id { get; set; }

        public double Score { get; set; }

        public DateTime At { get; set; }

        public List<int> Items { get; set; } = [];

        public string Text() => string.Join('|', Id, Score.ToString(System.Globalization.CultureInfo.InvariantCulture), At.ToString("yyyy-MM-dd HH", System.Globalization.CultureInfo.InvariantCulture), $"[{string.Join(", ", Items)}]");
    }

    public sealed class Totalled
    {
        public int Id { get; set; }

        public Total? Total { get; set; }
    }

    public sealed class Total
    {
        public double Amount { get; set; }
    }

    public sealed class Required
    {
        public long Id { get; set; }

        public List<long> Items { get; set; } = [];
    }

    public sealed class NullableRow
    {
        public long? Id { get; set; }

        public List<long?>? Items { get; set; }
    }
}

using System.Globalization;
using ActorFlow.Tests.Shared;
using global::Parquet.Serialization;

namespace ActorFlow.Parquet.Tests.Source;

/// <summary>
/// Columns of either nullability read into members of either nullability, as Spark reads them: an optional column
/// (every column DuckDB, pyarrow or Spark writes) into a member that cannot hold null reads while it holds no null, and
/// a null fails its row group naming the column and the member.
/// </summary>
public sealed class OptionalFlatColumnSpec : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly TempDirectory _lake = new("actorflow-parquet-optional-flat");

    /// <summary>
    /// Verify that DuckDB's optional columns read into non-nullable members with DuckDB's values (numbers, decimal,
    /// boolean, TIMESTAMP as an unspecified wall-clock time, TIMESTAMPTZ as UTC, TIME), through the column reader.
    /// </summary>
    [Fact]
    public async Task Optional_columns_without_nulls_must_read_into_members_that_cannot_hold_null()
    {
        DuckDb.Query($"""
            COPY (SELECT i AS id, i::BIGINT * 1000 AS big, i / 4 AS price, (i * 1.25)::DECIMAL(18,2) AS amount, i % 2 = 0 AS flag,
                         TIMESTAMP '2026-01-01 10:00:00' + INTERVAL (i) SECOND AS ts, TIMESTAMPTZ '2026-01-01 10:00:00+00' + INTERVAL (i) SECOND AS tstz,
                         TIME '08:00:00' + INTERVAL (i) MINUTE AS t, 'n' || i AS name
                  FROM (SELECT r::INTEGER AS i FROM range(0, 3000) t(r)))
            TO '{_lake.Path}/rows.parquet' (FORMAT PARQUET, ROW_GROUP_SIZE 1024)
            """);
        var expected = DuckDb.Query($"""
            SELECT id, big, price, amount, flag, strftime(ts, '%Y-%m-%dT%H:%M:%S'), epoch_ms(tstz), CAST(t AS VARCHAR), name
            FROM read_parquet('{_lake.Path}/rows.parquet') ORDER BY id
            """).Select(r => string.Join('|', r.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)))).ToList();

        Assert.NotNull(Internal.FlatRowReader<Required>.TryCreate());
        var read = await SourceRun.AllAsync(Sys, ParquetSource.For<Required>(_lake.Path));

        Assert.Equal(3000, read.Count);
        Assert.Equal(expected, read.Select(r => r.Value!).OrderBy(r => r.id).Select(r => r.Text()));
        Assert.All(read, r => Assert.Equal(DateTimeKind.Unspecified, r.Value!.ts.Kind));
        Assert.All(read, r => Assert.Equal(DateTimeKind.Utc, r.Value!.tstz.Kind));
    }

    /// <summary>
    /// Verify that a null in an optional column read into a member that cannot hold it fails the source naming the file,
    /// the column and the member (it does not read as 0), and that with <see cref="BadFileAction.Skip"/> only that file is
    /// skipped and reported.
    /// </summary>
    [Fact]
    public async Task A_null_into_a_member_that_cannot_hold_it_must_fail_its_row_group()
    {
        Directory.CreateDirectory($"{_lake.Path}/nulls");
        Directory.CreateDirectory($"{_lake.Path}/clean");
        DuckDb.Query($"COPY (SELECT 1 AS id, NULL::DOUBLE AS price UNION ALL SELECT 2, 2.5) TO '{_lake.Path}/nulls/a.parquet' (FORMAT PARQUET)");
        DuckDb.Query($"COPY (SELECT 3 AS id, 3.5::DOUBLE AS price) TO '{_lake.Path}/clean/b.parquet' (FORMAT PARQUET)");
        DuckDb.Query($"COPY (SELECT 4 AS id, NULL::TIME AS t) TO '{_lake.Path}/time.parquet' (FORMAT PARQUET)");

        var e = await Assert.ThrowsAsync<InvalidDataException>(() => SourceRun.AllAsync(Sys, ParquetSource.For<Priced>($"{_lake.Path}/nulls")));
        Assert.Contains($"{_lake.Path}/nulls/a.parquet", e.Message, StringComparison.Ordinal);
        Assert.Contains("column 'price' holds a null (row 0 of the row group), which Priced.price (Double) cannot hold", e.Message, StringComparison.Ordinal);

        var time = await Assert.ThrowsAsync<InvalidDataException>(() => SourceRun.AllAsync(Sys, ParquetSource.For<Timed>($"{_lake.Path}/time.parquet")));
        Assert.Contains("column 't' holds a null (row 0 of the row group), which Timed.t (TimeOnly) cannot hold", time.Message, StringComparison.Ordinal);

        var skipped = new List<string>();
        var read = await SourceRun.AllAsync(Sys, ParquetSource.For($"{_lake.Path}/*/*.parquet", new ParquetSourceOptions<Priced>
        {
            OnBadFileAction = BadFileAction.Skip,
            OnBadFile = (path, _) => skipped.Add(Path.GetFileName(path)),
        }));
        Assert.Equal(["a.parquet"], skipped);
        Assert.Equal(["3:3.5"], read.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Value!.id}:{r.Value.price}")));
    }

    /// <summary>Verify that required columns (what the sink and Parquet.Net write for non-nullable members) read into nullable members.</summary>
    [Fact]
    public async Task Required_columns_must_read_into_nullable_members()
    {
        var file = Path.Combine(_lake.Path, "required.parquet");
        await ParquetSerializer.SerializeAsync(Enumerable.Range(0, 5).Select(i => new Priced { id = i, price = i * 0.5 }), file);

        var read = await SourceRun.AllAsync(Sys, ParquetSource.For<MaybePriced>(file));

        Assert.NotNull(Internal.FlatRowReader<MaybePriced>.TryCreate());
        Assert.Equal(["0:0", "1:0.5", "2:1", "3:1.5", "4:2"], read.Select(r => r.Value!).OrderBy(r => r.id).Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.id}:{r.price}")));

        // Many row groups with negative values in a required int column read as values: Parquet.Net's nullable read
        // judges rows by definition levels it never writes for a required column (a pooled buffer's leftovers, such as
        // the negative values of the column before), which read rows as null and shifted the rest.
        var many = Path.Combine(_lake.Path, "many");
        Directory.CreateDirectory(many);
        var rows = Enumerable.Range(0, 40_000).Select(i => new Dated { Delta = -i - 1, Other = -2 * i - 1, Day = new DateOnly(2026, 1, 1).AddDays(i % 300) }).ToList();
        await ParquetSerializer.SerializeAsync(rows, Path.Combine(many, "m.parquet"), new global::Parquet.ParquetOptions { RowGroupSize = 1_000 });

        var dated = await SourceRun.AllAsync(Sys, ParquetSource.For<MaybeDated>(many));

        Assert.NotNull(Internal.FlatRowReader<MaybeDated>.TryCreate());
        Assert.Equal(
            rows.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Delta}:{r.Other}:{r.Day:yyyy-MM-dd}")),
            dated.Select(r => r.Value!).OrderByDescending(r => r.Delta).Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Delta}:{r.Other}:{r.Day:yyyy-MM-dd}")));
    }

    public new void Dispose()
    {
        _lake.Dispose();
        base.Dispose();
    }

#pragma warning disable SA1300, IDE1006 // DuckDB's column names
    public sealed class Required
    {
        public int id { get; set; }

        public long big { get; set; }

        public double price { get; set; }

        public decimal amount { get; set; }

        public bool flag { get; set; }

        public DateTime ts { get; set; }

        public DateTime tstz { get; set; }

        public TimeOnly t { get; set; }

        public string name { get; set; } = string.Empty;

        public string Text() => string.Join('|', id, big, price.ToString(CultureInfo.InvariantCulture), amount.ToString(CultureInfo.InvariantCulture), flag,
            ts.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture), new DateTimeOffset(tstz).ToUnixTimeMilliseconds(), t.ToString("HH:mm:ss", CultureInfo.InvariantCulture), name);
    }

    public sealed class Priced
    {
        public int id { get; set; }

        public double price { get; set; }
    }

    public sealed class MaybePriced
    {
        public int? id { get; set; }

        public double? price { get; set; }
    }

    public sealed class Dated
    {
        public int Delta { get; set; }

        public int Other { get; set; }

        public DateOnly Day { get; set; }
    }

    public sealed class MaybeDated
    {
        public int Delta { get; set; }

        public int? Other { get; set; }

        public DateOnly? Day { get; set; }
    }

    public sealed class Timed
    {
        public int id { get; set; }

        public TimeOnly t { get; set; }
    }
#pragma warning restore SA1300, IDE1006
}

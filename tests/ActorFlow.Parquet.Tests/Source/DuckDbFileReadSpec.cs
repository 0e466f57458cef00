using System.Globalization;
using ActorFlow.Tests.Shared;
using global::Parquet;

namespace ActorFlow.Parquet.Tests.Source;

/// <summary>Files DuckDB writes (every common column type, three codecs, several row groups) read with the values DuckDB reads.</summary>
public sealed class DuckDbFileReadSpec : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private const string Rows = """
        SELECT i AS id, (i % 2 = 0) AS b, (i % 100)::TINYINT AS ti, (i * 3)::SMALLINT AS si, (i * 1000)::INTEGER AS ii, i::BIGINT * 100000000000 AS bi,
          i::UINTEGER AS ui, i::UBIGINT * 4000000000 AS ub, (i / 4)::FLOAT AS f, (i / 3)::DOUBLE AS d,
          (i * 1.25)::DECIMAL(9,2) AS d9, (i * 1.0001)::DECIMAL(18,4) AS d18, (i * 1.0000000001 - 50000)::DECIMAL(38,10) AS d38,
          CASE WHEN i % 5 = 0 THEN NULL WHEN i % 5 = 1 THEN '' WHEN i % 5 = 2 THEN 'clé-ü-✓' ELSE 's' || i END AS s,
          CASE WHEN i % 7 = 0 THEN NULL ELSE ('\x01\x02' || i::VARCHAR)::BLOB END AS bl,
          DATE '2026-01-01' + i AS dt,
          TIMESTAMP '2026-01-01 10:00:00' + INTERVAL (i) SECOND + INTERVAL 123456 MICROSECOND AS ts,
          (TIMESTAMP '2026-01-01 10:00:00' + INTERVAL (i) SECOND)::TIMESTAMP_MS AS tsms,
          TIMESTAMPTZ '2026-01-01 10:00:00+00' + INTERVAL (i) SECOND + INTERVAL 654321 MICROSECOND AS tstz,
          CASE WHEN i % 11 = 0 THEN NULL ELSE ('00000000-0000-0000-0000-' || lpad(i::VARCHAR, 12, '0'))::UUID END AS u,
          CASE WHEN i % 13 = 0 THEN NULL ELSE [i, i + 1]::INTEGER[] END AS li,
          {'name': 'n' || i, 'v': i} AS st,
          MAP {'a': i, 'b': NULL}::MAP(VARCHAR, INTEGER) AS m
        FROM (SELECT r::INTEGER AS i FROM range(0, 5000) t(r))
        """;

    private readonly TempDirectory _lake = new("actorflow-parquet-duckdb");

    /// <summary>
    /// Verify that every scalar column of DuckDB files (zstd, gzip and snappy, row groups of 2,048 rows) reads through
    /// the column reader (a class of top-level members) and through the level assembler (a class with a list, a
    /// struct and a map besides: lists null and of values; see <see cref="NullListElementSpec"/> for null elements)
    /// with DuckDB's values, nulls included; that a TIMESTAMP WITH TIME ZONE reads as <see cref="DateTimeKind.Utc"/>
    /// on both paths and a TIMESTAMP as its wall clock (of kind Unspecified through the assembler; see <see cref="TimestampKindSpec"/>).
    /// </summary>
    [Fact]
    public async Task DuckDb_files_must_read_with_the_values_duckdb_reads()
    {
        foreach (var codec in new[] { "zstd", "gzip", "snappy" })
        {
            Directory.CreateDirectory(Path.Combine(_lake.Path, codec));
            DuckDb.Query($"COPY ({Rows}) TO '{_lake.Path}/{codec}/rows.parquet' (FORMAT PARQUET, COMPRESSION {codec}, ROW_GROUP_SIZE 2048)");
            await using var reader = await ParquetReader.CreateAsync($"{_lake.Path}/{codec}/rows.parquet");
            Assert.True(reader.RowGroupCount > 1);
        }

        var expected = DuckDb.Query($"""
            SELECT id, b, ti, si, ii, bi, ui, ub, f, d, d9, d18, d38, s, hex(bl), CAST(dt AS VARCHAR), epoch_us(ts), epoch_us(tsms), epoch_us(tstz), CAST(u AS VARCHAR),
                   CAST(li AS VARCHAR), st.name, st.v, m['a'], m['b'] IS NULL
            FROM read_parquet('{_lake.Path}/*/*.parquet') ORDER BY id
            """).Select(r => string.Join('|', r.Select(Text))).ToList();
        Assert.Equal(15_000, expected.Count);

        var flat = await SourceRun.AllAsync(Sys, ParquetSource.For<FlatRow>(_lake.Path));
        Assert.NotNull(Internal.FlatRowReader<FlatRow>.TryCreate());
        Assert.Equal(expected.Select(e => string.Join('|', e.Split('|')[..20])), flat.Select(r => r.Value!).OrderBy(r => r.id).Select(r => r.Text()));

        var nested = await SourceRun.AllAsync(Sys, ParquetSource.For<NestedRow>(_lake.Path));
        Assert.Null(Internal.FlatRowReader<NestedRow>.TryCreate());
        Assert.Equal(expected, nested.Select(r => r.Value!).OrderBy(r => r.id).Select(r => r.Text()));

        Assert.All(flat, r => Assert.Equal(DateTimeKind.Utc, r.Value!.tstz!.Value.Kind));
        Assert.All(nested, r => Assert.Equal(DateTimeKind.Utc, r.Value!.tstz!.Value.Kind));
        Assert.All(flat, r => Assert.Equal(DateTimeKind.Unspecified, r.Value!.ts!.Value.Kind)); // DuckDB's TIMESTAMP is not adjusted to UTC
        Assert.All(nested, r => Assert.Equal(DateTimeKind.Unspecified, r.Value!.ts!.Value.Kind));
    }

    public new void Dispose()
    {
        _lake.Dispose();
        base.Dispose();
    }

    private static string Text(object? value) => value switch
    {
        null => "<null>",
        decimal d => d.ToString("0.############################", CultureInfo.InvariantCulture),
        DateTime t => ((t.Ticks - DateTime.UnixEpoch.Ticks) / 10).ToString(CultureInfo.InvariantCulture),
        IEnumerable<int?> list => "[" + string.Join(", ", list.Select(i => i?.ToString(CultureInfo.InvariantCulture) ?? "NULL")) + "]",
        byte[] bytes => Convert.ToHexString(bytes),
        DateOnly day => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture)!,
    };

#pragma warning disable SA1300, IDE1006, SA1516 // DuckDB's column names
    public class FlatRow
    {
        public int? id { get; set; }
        public bool? b { get; set; }
        public sbyte? ti { get; set; }
        public short? si { get; set; }
        public int? ii { get; set; }
        public long? bi { get; set; }
        public uint? ui { get; set; }
        public ulong? ub { get; set; }
        public float? f { get; set; }
        public double? d { get; set; }
        public decimal? d9 { get; set; }
        public decimal? d18 { get; set; }
        public decimal? d38 { get; set; }
        public string? s { get; set; }
        public byte[]? bl { get; set; }
        public DateOnly? dt { get; set; }
        public DateTime? ts { get; set; }
        public DateTime? tsms { get; set; }
        public DateTime? tstz { get; set; }
        public Guid? u { get; set; }

        public virtual string Text() => string.Join('|', new object?[] { id, b, ti, si, ii, bi, ui, ub, f, d, d9, d18, d38, s, bl, dt, ts, tsms, tstz, u }.Select(DuckDbFileReadSpec.Text));
    }

    public sealed class NestedRow : FlatRow
    {
        public List<int?>? li { get; set; }
        public Named? st { get; set; }
        public Dictionary<string, int?>? m { get; set; }

        public override string Text() =>
            base.Text() + "|" + string.Join('|', new object?[] { li, st?.name, st?.v, m?["a"], m is not null && m["b"] is null }.Select(DuckDbFileReadSpec.Text));
    }

    public sealed class Named
    {
        public string? name { get; set; }
        public int? v { get; set; }
    }
#pragma warning restore SA1300, IDE1006, SA1516
}

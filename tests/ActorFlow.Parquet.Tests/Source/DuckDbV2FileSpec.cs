using System.Globalization;
using ActorFlow.Tests.Shared;

namespace ActorFlow.Parquet.Tests.Source;

/// <summary>
/// DuckDB's <c>PARQUET_VERSION V2</c> files (DELTA_BINARY_PACKED integers, BYTE_STREAM_SPLIT floating point,
/// DELTA_LENGTH_BYTE_ARRAY strings) read with DuckDB's values.
/// </summary>
public sealed class DuckDbV2FileSpec : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly TempDirectory _lake = new("actorflow-parquet-duckdb-v2");

    /// <summary>
    /// Verify that integers, booleans, floats, doubles and strings (dictionary-encoded and not, with nulls) of a V2 file
    /// read with DuckDB's values (delta-encoded dates, times and decimals: <see cref="DeltaEncodedColumnSpec"/>).
    /// </summary>
    [Fact]
    public async Task A_v2_file_must_read_with_duckdbs_values()
    {
        DuckDb.Query($"""
            COPY (SELECT i AS id, i % 2 = 0 AS b, (i % 100)::TINYINT AS ti, i::BIGINT * 100000000000 AS bi, (i / 4)::FLOAT AS f, (i / 3)::DOUBLE AS d,
                         CASE WHEN i % 5 = 0 THEN NULL WHEN i % 5 = 1 THEN '' ELSE 's' || (i % 50) END AS s, 'unique-' || i AS u
                  FROM (SELECT r::INTEGER AS i FROM range(0, 5000) t(r)))
            TO '{_lake.Path}/v2.parquet' (FORMAT PARQUET, PARQUET_VERSION V2, ROW_GROUP_SIZE 2048)
            """);
        var expected = DuckDb.Query($"SELECT id, b, ti, bi, f, d, s, u FROM read_parquet('{_lake.Path}/v2.parquet') ORDER BY id").Select(Text).ToList();

        var read = await SourceRun.AllAsync(Sys, ParquetSource.For<Row>($"{_lake.Path}/v2.parquet"));

        Assert.Equal(5000, read.Count);
        Assert.Equal(expected, read.Select(r => r.Value!).OrderBy(r => r.id).Select(r => Text([r.id, r.b, r.ti, r.bi, r.f, r.d, r.s, r.u])));
    }

    public new void Dispose()
    {
        _lake.Dispose();
        base.Dispose();
    }

    private static string Text(object?[] row) => string.Join('|', row.Select(v => v switch
    {
        null or DBNull => "<null>",
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        _ => Convert.ToString(v, CultureInfo.InvariantCulture),
    }));

#pragma warning disable SA1300, IDE1006 // DuckDB's column names
    public sealed class Row
    {
        public int id { get; set; }

        public bool b { get; set; }

        public sbyte ti { get; set; }

        public long bi { get; set; }

        public float f { get; set; }

        public double d { get; set; }

        public string? s { get; set; }

        public string? u { get; set; }
    }
#pragma warning restore SA1300, IDE1006
}

using System.Globalization;
using ActorFlow.Tests.Shared;
using Avro;
using Avro.Generic;

namespace ActorFlow.Parquet.Tests.Source;

/// <summary>
/// DATE, TIMESTAMP and DECIMAL columns stored as integers in the DELTA_BINARY_PACKED encoding (DuckDB's
/// <c>PARQUET_VERSION V2</c>, parquet-mr's v2 writer), which Parquet.Net 6.1 does not decode into dates, times or
/// decimals itself, read with DuckDB's values, and the same as the same data stored in data pages V1: through the column
/// reader (a flat class), the level assembler (a nested class) and as Avro records.
/// </summary>
public sealed class DeltaEncodedColumnSpec : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private const string Values = """
        SELECT i AS id,
               TIMESTAMP '1969-12-31 23:59:58.5' + INTERVAL (i * 1001) MILLISECOND AS ts,
               TIMESTAMPTZ '2026-01-01 10:00:00+00' + INTERVAL (i * 7) MICROSECOND AS tstz,
               (TIMESTAMP '2026-01-01 10:00:00' + INTERVAL (i) SECOND)::TIMESTAMP_MS AS tms,
               (TIMESTAMP '2026-01-01 10:00:00' + INTERVAL (i * 3) MICROSECOND)::TIMESTAMP_NS AS tns,
               DATE '1969-12-01' + (i * 3) AS d,
               TIME '10:00:00' + INTERVAL (i * 3) SECOND AS tm,
               ((i - 2500) / 4.0)::DECIMAL(9,2) AS amount,
               ((i - 2500) / 8.0)::DECIMAL(18,3) AS amount18,
               CASE WHEN i % 7 = 0 THEN NULL ELSE TIMESTAMP '2026-06-01' + INTERVAL (i * 13) SECOND END AS nts,
               {'at': TIMESTAMP '2026-01-01' + INTERVAL (i) MINUTE, 'tm': TIME '00:00:00' + INTERVAL (i) SECOND, 'day': DATE '2026-01-01' + i} AS s,
               [TIMESTAMP '2026-01-01' + INTERVAL (i) SECOND, TIMESTAMP '2026-01-02' + INTERVAL (i * 2) SECOND] AS times
        FROM (SELECT r::INTEGER AS i FROM range(0, 5000) t(r))
        """;

    private readonly TempDirectory _lake = new("actorflow-parquet-delta");

    private string V1 => $"{_lake.Path}/v1/data.parquet";

    private string V2 => $"{_lake.Path}/v2/data.parquet";

    /// <summary>Verify that a flat class reads DuckDB's values from delta-encoded columns, equal to the V1 file's.</summary>
    [Fact]
    public async Task A_flat_class_must_read_delta_encoded_dates_times_and_decimals_with_duckdbs_values()
    {
        Write();
        var expected = DuckDb.Query($"""
            SELECT id, epoch_us(ts), epoch_us(tstz), epoch_ms(tms), epoch_ns(tns), d - DATE '1970-01-01', epoch_us(tm), amount::VARCHAR, amount18::VARCHAR, epoch_us(nts)
            FROM read_parquet('{V2}') ORDER BY id
            """).Select(Text).ToList();

        var v2 = (await SourceRun.AllAsync(Sys, ParquetSource.For<Flat>(V2))).Select(r => r.Value!).OrderBy(r => r.id).ToList();
        var v1 = (await SourceRun.AllAsync(Sys, ParquetSource.For<Flat>(V1))).Select(r => r.Value!).OrderBy(r => r.id).ToList();

        Assert.Equal(expected, v2.Select(r => Text([r.id, Micros(r.ts), Micros(r.tstz), Micros(r.tms) / 1000, Micros(r.tns) * 1000, r.d.DayNumber - DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber, r.tm.Ticks / 10, r.amount.ToString(CultureInfo.InvariantCulture), r.amount18.ToString(CultureInfo.InvariantCulture), r.nts is { } n ? Micros(n) : null])));
        Assert.Equal(v1.Select(Describe), v2.Select(Describe));
    }

    /// <summary>Verify that a nested class (a struct and a list of timestamps) reads the V2 file as the V1 file.</summary>
    [Fact]
    public async Task A_nested_class_must_read_delta_encoded_columns_as_their_v1_form()
    {
        Write();
        Assert.Contains("DELTA_BINARY_PACKED", Encodings(V2, "s", "at"), StringComparison.Ordinal);
        Assert.Contains("DELTA_BINARY_PACKED", Encodings(V2, "times", "list", "element"), StringComparison.Ordinal);

        var v2 = (await SourceRun.AllAsync(Sys, ParquetSource.For<Nested>(V2))).Select(r => r.Value!).OrderBy(r => r.id).ToList();
        var v1 = (await SourceRun.AllAsync(Sys, ParquetSource.For<Nested>(V1))).Select(r => r.Value!).OrderBy(r => r.id).ToList();

        Assert.Equal(5000, v2.Count);
        Assert.Equal(v1.Select(Describe), v2.Select(Describe));
        Assert.Equal(new DateTime(2026, 1, 1, 0, 1, 0), v2[1].s!.at);
        Assert.Equal(new DateTime(2026, 1, 2, 0, 0, 2), v2[1].times![1]);
    }

    /// <summary>Verify that Avro records read the V2 file's timestamps, dates and decimals as the V1 file's.</summary>
    [Fact]
    public async Task Avro_records_must_read_delta_encoded_columns_as_their_v1_form()
    {
        Write();
        var schema = (RecordSchema)Schema.Parse("""
            {"type":"record","name":"Row","fields":[
              {"name":"id","type":"int"},
              {"name":"tstz","type":{"type":"long","logicalType":"timestamp-micros"}},
              {"name":"tms","type":{"type":"long","logicalType":"timestamp-millis"}},
              {"name":"d","type":{"type":"int","logicalType":"date"}},
              {"name":"tm","type":{"type":"long","logicalType":"time-micros"}},
              {"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
              {"name":"amount18","type":{"type":"bytes","logicalType":"decimal","precision":18,"scale":3}},
              {"name":"nts","type":["null",{"type":"long","logicalType":"timestamp-micros"}]}]}
            """);

        var v2 = (await SourceRun.AllAsync(Sys, ParquetSource.ForAvro(V2, schema))).Select(r => r.Value!).OrderBy(r => (int)r["id"]).ToList();
        var v1 = (await SourceRun.AllAsync(Sys, ParquetSource.ForAvro(V1, schema))).Select(r => r.Value!).OrderBy(r => (int)r["id"]).ToList();

        Assert.Equal(5000, v2.Count);
        Assert.Equal(v1.Select(Describe), v2.Select(Describe));
        Assert.Equal(new DateTime(2026, 1, 1, 10, 0, 0, DateTimeKind.Utc).AddTicks(70), v2[1]["tstz"]);
        Assert.Null(v2[7]["nts"]);
    }

    public new void Dispose()
    {
        _lake.Dispose();
        base.Dispose();
    }

    /// <summary>The same rows as V1 (dictionary and plain pages) and V2 (delta-encoded integers), several row groups each.</summary>
    private void Write()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(V1)!);
        Directory.CreateDirectory(Path.GetDirectoryName(V2)!);
        DuckDb.Query($"COPY ({Values}) TO '{V1}' (FORMAT PARQUET, ROW_GROUP_SIZE 2048)");
        DuckDb.Query($"COPY ({Values}) TO '{V2}' (FORMAT PARQUET, PARQUET_VERSION V2, ROW_GROUP_SIZE 2048)");
        foreach (var column in new[] { "ts", "tstz", "tms", "tns", "d", "tm", "amount", "amount18", "nts" })
        {
            Assert.Contains("DELTA_BINARY_PACKED", Encodings(V2, column), StringComparison.Ordinal);
            Assert.DoesNotContain("DELTA_BINARY_PACKED", Encodings(V1, column), StringComparison.Ordinal);
        }
    }

    private static string Encodings(string file, params string[] path) =>
        string.Join(',', DuckDb.Query($"SELECT DISTINCT encodings FROM parquet_metadata('{file}') WHERE path_in_schema = '{string.Join(", ", path)}'").Select(r => r[0]));

    private static long Micros(DateTime time) => (time - DateTime.UnixEpoch).Ticks / 10;

    private static string Text(object?[] row) => string.Join('|', row.Select(v => v switch
    {
        null or DBNull => "<null>",
        _ => Convert.ToString(v, CultureInfo.InvariantCulture),
    }));

    private static string Describe(Flat r) =>
        Text([r.id, Stamp(r.ts), Stamp(r.tstz), Stamp(r.tms), Stamp(r.tns), r.d, r.tm.Ticks, r.amount, r.amount18, r.nts is { } n ? Stamp(n) : null]);

    private static string Describe(Nested r) =>
        Text([r.id, Stamp(r.s!.at), r.s.tm.Ticks, r.s.day, string.Join(';', r.times!.Select(Stamp))]);

    private static string Describe(GenericRecord r) =>
        string.Join('|', r.Schema.Fields.Select(f => r[f.Name] switch
        {
            DateTime t => Stamp(t),
            AvroDecimal d => $"{d.UnscaledValue}e-{d.Scale}", // its IConvertible.ToString recurses until the stack overflows
            null => "<null>",
            var v => Convert.ToString(v, CultureInfo.InvariantCulture),
        }));

    private static string Stamp(DateTime time) => $"{time.Ticks}{time.Kind}";

#pragma warning disable SA1300, IDE1006 // DuckDB's column names
    public sealed class Flat
    {
        public int id { get; set; }

        public DateTime ts { get; set; }

        public DateTime tstz { get; set; }

        public DateTime tms { get; set; }

        public DateTime tns { get; set; }

        public DateOnly d { get; set; }

        public TimeOnly tm { get; set; }

        public decimal amount { get; set; }

        public decimal amount18 { get; set; }

        public DateTime? nts { get; set; }
    }

    public sealed class Nested
    {
        public int id { get; set; }

        public Stamps? s { get; set; }

        public List<DateTime>? times { get; set; }
    }

    public sealed class Stamps
    {
        public DateTime at { get; set; }

        public TimeOnly tm { get; set; }

        public DateOnly day { get; set; }
    }
#pragma warning restore SA1300, IDE1006
}
